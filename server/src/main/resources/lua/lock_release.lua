-- REDIS_LOCK: release the lock only if this owner still holds it (a lease that ran out may be someone else's now).
-- KEYS[1] lock; ARGV: owner token. Returns 1 when released.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
