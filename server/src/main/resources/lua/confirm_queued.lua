-- Mark a QUEUED order's record confirmed (a copy of it is in the intake queue), only while the record exists:
-- from then on nobody may compensate it. 1 when marked, 0 when the record is gone (written, or compensated).
-- KEYS[1] queued hash, KEYS[2] confirmed hash; ARGV: order id
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], '1')
return 1
