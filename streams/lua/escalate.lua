-- Move an item to another queue (another desk, a higher priority, or both), keeping its arrival time.
-- The lease holder escalates the item it holds (the lease ends, the item waits in its new queue); a supervisor
-- may escalate any queued or claimed item (a claimed item's lease is revoked: its holder is refused after).
-- KEYS: 1 leases zset, 2 item key, 3 stats hash
-- ARGV: 1 key prefix, 2 item id, 3 actor, 4 now (ms), 5 mode ("holder" | "supervisor"),
--       6 lease id ('' = the actor's current lease; holder mode), 7 expected current queue (the caller's policy
--       decided from it), 8 new desk, 9 new priority, 10 new queue, 11 reason, 12 item audit maxlen,
--       13 global audit maxlen
-- Returns the new queue, or an error reply: check_lease's (holder mode), not_found, resolved, moved.
local prefix, id, actor, now, mode = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local state, queue = unpack(redis.call('HMGET', KEYS[2], 'state', 'queue'))
if not state then return redis.error_reply('not_found: no such item') end
if state == 'resolved' then return redis.error_reply('not_claimed: the item is resolved') end
if queue ~= ARGV[7] then return redis.error_reply('moved: the item changed queue meanwhile; look again') end
local revoked = ''
if mode == 'holder' then
  local err = check_lease(KEYS[2], actor, ARGV[6], now)
  if err then return err end
  end_lease(prefix, KEYS[1], KEYS[2], id)
elseif state == 'claimed' then
  revoked = end_lease(prefix, KEYS[1], KEYS[2], id) or ''
else
  redis.call('ZREM', prefix .. 'q:' .. queue, id)
end
redis.call('HSET', KEYS[2], 'desk', ARGV[8], 'priority', ARGV[9], 'queue', ARGV[10])
requeue(prefix, KEYS[2], id)
redis.call('HINCRBY', KEYS[2], 'escalations', 1)
redis.call('HINCRBY', KEYS[3], 'escalated', 1)
audit(prefix, id, ARGV[12], ARGV[13], 'event', 'escalated', 'at', now, 'agent', actor, 'from_queue', queue,
  'queue', ARGV[10], 'reason', ARGV[11], 'revoked_from', revoked)
return ARGV[10]
