-- Return items whose lease has expired to their queue, at their original place (same score); count them,
-- audit them ("expired", with the agent whose lease ran out) and flag the ones returned too often.
-- KEYS: 1 leases zset (item id -> deadline ms), 2 stats hash
-- ARGV: 1 key prefix, 2 now (ms), 3 max items to reap, 4 item audit maxlen, 5 global audit maxlen,
--       6 flag threshold (releases + expiries)
-- Returns the ids reaped.
local prefix, now = ARGV[1], tonumber(ARGV[2])
local item_maxlen, all_maxlen, threshold = ARGV[4], ARGV[5], tonumber(ARGV[6])
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(expired) do
  local key = prefix .. 'item:' .. id
  if redis.call('HGET', key, 'state') == 'claimed' then
    local owner = end_lease(prefix, KEYS[1], key, id) or ''
    requeue(prefix, key, id)
    redis.call('HINCRBY', key, 'expiries', 1)
    redis.call('HINCRBY', KEYS[2], 'lease_expired', 1)
    audit(prefix, id, item_maxlen, all_maxlen, 'event', 'expired', 'at', now, 'agent', owner)
    maybe_flag(prefix, key, id, KEYS[2], threshold, now, item_maxlen, all_maxlen)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return expired
