/**
 * Write a state unless the key holds a newer one: for a circuit, one published later; for a cooldown, one that
 * ends later. An instance cut off from Redis writes its latest states again when it is back, and another may
 * have written over them meanwhile. KEYS: the state key. ARGV: the envelope, its TTL in ms, 'breaker' or
 * 'cooldown', and its order (the envelope's `publishedAtMs`, or the cooldown's `untilMs`). Returns 1 if written.
 */
export const writeUnlessNewerScript = `
local stored = redis.call('GET', KEYS[1])
if stored then
  local decoded, envelope = pcall(cjson.decode, stored)
  if decoded and type(envelope) == 'table' and type(envelope.update) == 'table' then
    local order
    if ARGV[3] == 'breaker' then
      order = tonumber(envelope.publishedAtMs)
    elseif type(envelope.update.cooldown) == 'table' then
      order = tonumber(envelope.update.cooldown.untilMs)
    end
    if order ~= nil and order > tonumber(ARGV[4]) then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;
