/** The legacy WebSocket APIs. (Placeholder: being written.) */
import type { UpgradeRoute } from '../route.js';

export const LEGACY_ROUTES: UpgradeRoute[] = [];
