-- Add units taken by move_out.lua to the segment that borrows them, only if its gate is built and of the epoch the
-- units were taken in: a rebuild in between recounted every segment from the database, these units included.
-- KEYS[1] gate hash of the segment that receives; ARGV: units, epoch they were taken in
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch or epoch ~= ARGV[2] then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'available', tonumber(ARGV[1]))
return 1
