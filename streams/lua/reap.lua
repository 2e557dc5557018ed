-- Return items whose lease has expired to their queue (reap_expired in desk.lua).
-- KEYS: 1 leases zset (item id -> deadline ms), 2 stats hash
-- ARGV: 1 key prefix, 2 now (ms), 3 max items to reap, 4 item audit maxlen, 5 global audit maxlen,
--       6 flag threshold (releases + expiries)
-- Returns the ids reaped.
return reap_expired(ARGV[1], KEYS[1], KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5],
  tonumber(ARGV[6]))
