-- TOKEN_QUEUE: start a rebuild under a lease: drop the epoch first (takes then see the list missing), then the list
-- and the released set. KEYS[1] build epoch, KEYS[2] token list, KEYS[3] released set, KEYS[4] rebuild lease
-- ARGV: owner token, lease ms. Returns 1 when this owner may rebuild.
if not redis.call('SET', KEYS[4], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
