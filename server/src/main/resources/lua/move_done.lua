-- The units a move_out.lua took from this segment have arrived (or were refused by a rebuilt receiver): they are no
-- longer moving. Only for the epoch they were taken in: a rebuild in between dropped the count already.
-- KEYS[1] gate hash of the segment that gave; ARGV: units, epoch they were taken in
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[2] then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'moving', -tonumber(ARGV[1]))
return 1
