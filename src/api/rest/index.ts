/**
 * Gemini's REST API as a Fastify plugin. (Placeholder: being written.)
 */
import type { FastifyInstance } from 'fastify';
import type { Exchange } from '../../app/exchange.js';

/** Register every Gemini REST route (public and private) on `app`. */
export async function registerRest(app: FastifyInstance, exchange: Exchange): Promise<void> {
  void app;
  void exchange;
}
