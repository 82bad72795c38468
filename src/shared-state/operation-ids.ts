/**
 * Ids that tell one counting script call from every other, so a call sent again is counted once. ioredis's
 * Cluster client sends a command again when its node's connection closed before the answer came (see
 * create-redis-client.ts), even after Redis ran it: the script records its id beside the count, in the count's
 * slot, and a second run with that id counts nothing and answers what the first one did.
 *
 * Random per generator (96 bits), then a counter: unique across processes without a random draw per call.
 */
import { randomBytes } from 'node:crypto';

export function createOperationIds(): () => string {
  const origin = randomBytes(12).toString('base64url');
  let sequence = 0;
  return () => `${origin}.${(sequence++).toString(36)}`;
}
