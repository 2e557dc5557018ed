-- Count a record that produced no queue item (dead letter, nothing to triage) exactly once.
-- KEYS: 1 record marker key (one per record coordinate), 2 stats hash
-- ARGV: 1 marker ttl (s), 2.. stats fields to increment
-- Returns 1 the first time, 0 on a replay of the same record.
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[1])) then
  return 0
end
for i = 2, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
return 1
