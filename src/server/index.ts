/**
 * The server module's public face: start a server, resolve its settings, print its banner.
 */
export { startServer, makeAdminToken, type ServerOptions, type RunningServer } from './server.js';
export { resolveSettings, readConfigFile, ConfigError, DEFAULTS, ENV, type ServerSettings, type SettingFlags, type ClockKind } from './config.js';
export { renderStartInfo, startInfo, VERSION, type StartInfo, type AccountInfoView } from './info.js';
export { bootstrap, DEFAULT_ACCOUNTS, DEFAULT_MASTER_KEYS, SANDBOX_FUNDS, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
export { shutdownOnSignals } from './signals.js';
export { acquireLock, readLock, DataDirLockedError, LOCK_FILE, type LockInfo } from './lock.js';
