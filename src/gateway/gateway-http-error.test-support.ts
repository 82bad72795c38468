/** Test support: the GatewayHttpError a parse throws. Not shipped: only tests import it. */
import { GatewayHttpError } from './gateway-http-error.js';

/** The refusal `parse` throws; fails the test when it throws something else or nothing. */
export function refusalOf(parse: () => unknown): GatewayHttpError {
  try {
    parse();
  } catch (error) {
    if (error instanceof GatewayHttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal (a GatewayHttpError)');
}
