-- Resolve or release a claimed item; only the holder of its current lease may, and only before the deadline.
-- KEYS: 1 leases zset, 2 item key, 3 stats hash
-- ARGV: 1 key prefix, 2 item id, 3 agent, 4 now (ms), 5 action ("resolve" | "release"), 6 resolved ttl (s),
--       7 lease id ('' = the agent's current lease), 8 item audit maxlen, 9 global audit maxlen,
--       10 flag threshold (releases + expiries), 11 canned reply id or '', 12 reply text or ''
-- Returns "resolved" | "released", or an error reply: not_found, not_claimed, not_holder, stale_lease,
-- lease_expired (see check_lease in desk.lua).
local prefix, id, agent, now, action = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local item_maxlen, all_maxlen = ARGV[8], ARGV[9]
local err = check_lease(KEYS[2], agent, ARGV[7], now)
if err then return err end
end_lease(prefix, KEYS[1], KEYS[2], id)
if action == 'resolve' then
  local reply_id, reply = ARGV[11], ARGV[12]
  redis.call('HSET', KEYS[2], 'state', 'resolved', 'resolved_by', agent, 'resolved_at', now,
    'reply_id', reply_id, 'reply', reply)
  redis.call('ZREM', prefix .. 'flagged', id)
  redis.call('HINCRBY', KEYS[3], 'resolved', 1)
  audit(prefix, id, item_maxlen, all_maxlen, 'event', 'resolved', 'at', now, 'agent', agent,
    'reply_id', reply_id, 'reply', reply)
  local ttl = tonumber(ARGV[6])
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', prefix .. 'audit:' .. id, ttl)
  return 'resolved'
end
requeue(prefix, KEYS[2], id)
redis.call('HINCRBY', KEYS[2], 'releases', 1)
redis.call('HINCRBY', KEYS[3], 'released', 1)
audit(prefix, id, item_maxlen, all_maxlen, 'event', 'released', 'at', now, 'agent', agent)
maybe_flag(prefix, KEYS[2], id, KEYS[3], tonumber(ARGV[10]), now, item_maxlen, all_maxlen)
return 'released'
