-- Extend a lease (the agent's heartbeat while answering): a new deadline of now + lease.
-- KEYS: 1 leases zset, 2 item key
-- ARGV: 1 key prefix, 2 item id, 3 agent, 4 now (ms), 5 lease id ('' = the agent's current lease),
--       6 lease (ms), 7 item audit maxlen, 8 global audit maxlen
-- Returns the new deadline (ms), or an error reply as check_lease in desk.lua.
local prefix, id, agent, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local err = check_lease(KEYS[2], agent, ARGV[5], now)
if err then return err end
local deadline = now + tonumber(ARGV[6])
redis.call('ZADD', KEYS[1], 'XX', deadline, id)
redis.call('HSET', KEYS[2], 'lease_deadline', deadline)
audit(prefix, id, ARGV[7], ARGV[8], 'event', 'extended', 'at', now, 'agent', agent, 'lease_deadline', deadline)
return deadline
