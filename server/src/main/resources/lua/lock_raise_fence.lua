-- REDIS_LOCK: after Redis lost its data the fencing counter restarts low; raise it past what the database saw.
-- KEYS[1] fencing counter; ARGV: the database's highest token. Returns the counter.
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local seen = tonumber(ARGV[1])
if current < seen then
  redis.call('SET', KEYS[1], seen)
  return seen
end
return current
