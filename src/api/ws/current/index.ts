/** The current WebSocket API at `/`. (Placeholder: being written.) */
import type { UpgradeRoute } from '../route.js';

export const CURRENT_ROUTES: UpgradeRoute[] = [];
