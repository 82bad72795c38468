import type { RedisConnection } from './create-redis-client.js';

/**
 * Write a state unless the key holds a newer one: for a circuit, one published later; for a cooldown, one that
 * ends later. "Later" is on Redis's clock (see `redis-clock.ts`): the script reads `TIME`, takes the
 * publisher's clock to Redis's by the difference between them as the write arrives, and stamps the envelope
 * with it, so no publisher's clock is compared with another's. An instance cut off from Redis writes its
 * latest states again when it is back, with the time it sends them at: a state's age on its own clock carries
 * over, and a state another instance wrote meanwhile stays.
 *
 * KEYS: the state key. ARGV: the envelope as the publisher wrote it (a JSON object, its times on the publisher's
 * clock), its TTL in ms, 'breaker' or 'cooldown', its order on the publisher's clock (the envelope's
 * `publishedAtMs`, or the cooldown's `untilMs`), and the publisher's clock as it sent the write.
 * Returns `{1, stamped envelope}` when written; `{0, stamped envelope, the newer envelope stored, Redis's TIME in ms}`
 * when not. The stamped envelope is what the publisher publishes.
 */
export const writeUnlessNewerScript = `
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local offsetMs = nowMs - tonumber(ARGV[5])
local order = tonumber(ARGV[4]) + offsetMs
local stamped = '{"redisClock":{"writtenAtMs":' .. string.format('%d', nowMs) .. ',"offsetMs":' ..
  string.format('%d', offsetMs) .. '},' .. string.sub(ARGV[1], 2)
local stored = redis.call('GET', KEYS[1])
if stored then
  local decoded, envelope = pcall(cjson.decode, stored)
  if decoded and type(envelope) == 'table' and type(envelope.update) == 'table' and type(envelope.redisClock) == 'table' then
    local storedOffsetMs = tonumber(envelope.redisClock.offsetMs)
    local storedOrder
    if ARGV[3] == 'breaker' then
      storedOrder = tonumber(envelope.publishedAtMs)
    elseif type(envelope.update.cooldown) == 'table' then
      storedOrder = tonumber(envelope.update.cooldown.untilMs)
    end
    if storedOrder ~= nil and storedOffsetMs ~= nil and storedOrder + storedOffsetMs > order then
      return {0, stamped, stored, nowMs}
    end
  end
end
redis.call('SET', KEYS[1], stamped, 'PX', ARGV[2])
return {1, stamped}
`;

export type WriteUnlessNewerResult =
  | { readonly written: true; readonly stamped: string }
  | { readonly written: false; readonly stamped: string; readonly stored: string; readonly redisNowMs: number };

/** Run the script; resolves undefined on an answer that is not the script's, rejects when Redis does. */
export async function writeUnlessNewer(
  client: RedisConnection,
  write: { key: string; text: string; ttlMs: number; kind: 'breaker' | 'cooldown'; orderMs: number; sentAtMs: number },
): Promise<WriteUnlessNewerResult | undefined> {
  const ttlArgument = String(Math.max(1, Math.round(write.ttlMs)));
  const reply: unknown = await client.eval(
    writeUnlessNewerScript, 1, write.key, write.text, ttlArgument, write.kind, String(write.orderMs), String(Math.round(write.sentAtMs)),
  );
  if (!Array.isArray(reply) || typeof reply[1] !== 'string') return undefined;
  if (reply[0] === 1) return { written: true, stamped: reply[1] };
  if (reply[0] === 0 && typeof reply[2] === 'string' && typeof reply[3] === 'number') {
    return { written: false, stamped: reply[1], stored: reply[2], redisNowMs: reply[3] };
  }
  return undefined;
}
