-- Add units taken by move_out.lua to the segment that borrows them, only if its gate is built and of the epoch the
-- units were taken in: a rebuild in between recounted every segment from the database, these units included.
-- Each arrival is counted ('arrivals'): a buyer about to answer sold out reads every segment twice and trusts what
-- it read only if no units arrived anywhere in between (units that arrive where it has already looked would
-- otherwise be missed).
-- KEYS[1] gate hash of the segment that receives; ARGV: units, epoch they were taken in
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch or epoch ~= ARGV[2] then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'available', tonumber(ARGV[1]))
redis.call('HINCRBY', KEYS[1], 'arrivals', 1)
return 1
