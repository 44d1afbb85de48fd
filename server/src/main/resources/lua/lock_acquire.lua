-- REDIS_LOCK: take the sale's stock lock for one holder, with a lease, and hand it the next fencing token.
-- KEYS[1] lock, KEYS[2] fencing counter; ARGV: owner token, lease ms. Returns the token, or 0 when held by another.
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then
  return 0
end
return redis.call('INCR', KEYS[2])
