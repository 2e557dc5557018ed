-- Raise a queued item's priority because its duplicate cluster grew (policy: classifiers/neardup_cluster.py;
-- streams/dedupe.py prepends desk.lua for audit()).
-- KEYS: 1 item key, 2 stats hash
-- ARGV: 1 key prefix, 2 item id, 3 now (ms), 4 new priority, 5 its desk, 6 its queue, 7 item audit maxlen,
--       8 global audit maxlen
-- Returns 1 when raised; 0 when the item is no longer queued (claimed, resolved: its agent has it already) or
-- already at that priority or a more urgent one.
local prefix, id, now, priority = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local state, current, queue, score, authors =
  unpack(redis.call('HMGET', KEYS[1], 'state', 'priority', 'queue', 'score', 'authors'))
if state ~= 'queued' or not current or tonumber(current) <= priority then return 0 end
redis.call('ZREM', prefix .. 'q:' .. queue, id)
redis.call('ZADD', prefix .. 'q:' .. ARGV[6], score, id)
redis.call('HSETNX', KEYS[1], 'raised_from', current)
redis.call('HSET', KEYS[1], 'priority', priority, 'desk', ARGV[5], 'queue', ARGV[6])
redis.call('HINCRBY', KEYS[2], 'raised', 1)
audit(prefix, id, ARGV[7], ARGV[8], 'event', 'raised', 'at', now, 'agent', '', 'queue', ARGV[6],
  'priority', priority, 'authors', authors or '')
return 1
