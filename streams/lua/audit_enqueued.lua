-- Audit "enqueued" for a message the worker just enqueued; runs right after enqueue.lua in the same pipeline.
-- Idempotent: the item's `audited` field makes a replay of the same record append nothing, and a folded or
-- redelivered message (whose own item key does not exist) appends nothing either.
-- KEYS: 1 item key
-- ARGV: 1 key prefix, 2 item id, 3 now (ms), 4 item audit maxlen, 5 global audit maxlen
-- Returns 1 when it appended the entry, else 0.
local prefix, id = ARGV[1], ARGV[2]
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HSETNX', KEYS[1], 'audited', 1) == 0 then return 0 end
local queue, priority, category = unpack(redis.call('HMGET', KEYS[1], 'queue', 'priority', 'category'))
audit(prefix, id, ARGV[4], ARGV[5], 'event', 'enqueued', 'at', ARGV[3], 'agent', '', 'queue', queue,
  'priority', priority, 'category', category)
return 1
