-- Take units out of one segment of a sale's gate to move them to another (a dry segment borrowing): the wanted
-- units, or a quarter of what this segment holds when that is more (so that a dry segment borrows seldom), or all it
-- holds when that is less. Units leave here before they arrive there, and are counted as 'moving' here until the
-- mover says they arrived (move_done.lua): a buyer who finds every segment dry while units are moving waits for them
-- rather than answer sold out. A crash in between strands them (an undersell, which reconciliation repairs: a rebuild
-- drops the hash, 'moving' with it), never counts them twice.
-- KEYS[1] gate hash of the segment that gives; ARGV: units wanted
-- Answers {units taken, epoch of this gate, units moving out of it now}, or {} when the gate is not built.
local gate = redis.call('HMGET', KEYS[1], 'available', 'epoch', 'moving')
if not gate[1] or not gate[2] then
  return {}
end
local available = tonumber(gate[1])
local moving = tonumber(gate[3] or '0')
local want = tonumber(ARGV[1])
local take = math.max(want, math.floor(available / 4))
if take > available then
  take = available
end
if take <= 0 then
  return {0, gate[2], moving}
end
redis.call('HINCRBY', KEYS[1], 'available', -take)
redis.call('HINCRBY', KEYS[1], 'moving', take)
return {take, gate[2], moving + take}
