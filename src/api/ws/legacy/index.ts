/**
 * The legacy WebSocket APIs real clients still use (ccxt pro, gemini-node-api, old bots):
 *
 *   /v2/marketdata              v2-marketdata.ts   l2 books, trades, candles; subscribe messages
 *   /v1/marketdata/:symbol      v1-marketdata.ts   one symbol; query flags choose the events
 *   /v1/multimarketdata         v1-marketdata.ts   ?symbols=a,b: the same, `symbol` on events
 *   /v1/order/events            order-events.ts    private; REST-signed upgrade
 *
 * All of them are built on the shared feed (../feed): book diffs, snapshots, trades and order
 * updates are derived there once from committed batches; these modules only render and route.
 * Shared pieces: conn.ts (socket_sequence, bounded output, error replies), ticker.ts (5 s
 * heartbeats from the exchange clock), upgrade.ts (refusals, query flags), state.ts (per-server
 * hubs). The protocol as served is written up in docs/websocket.md, "Legacy APIs".
 */
import type { UpgradeRoute } from '../route.js';
import { ORDER_EVENTS_ROUTE } from './order-events.js';
import { V1_MARKETDATA_ROUTE, V1_MULTIMARKETDATA_ROUTE } from './v1-marketdata.js';
import { V2_MARKETDATA_ROUTE } from './v2-marketdata.js';

export const LEGACY_ROUTES: UpgradeRoute[] = [V2_MARKETDATA_ROUTE, V1_MARKETDATA_ROUTE, V1_MULTIMARKETDATA_ROUTE, ORDER_EVENTS_ROUTE];
