-- Grants the lock and issues its fencing token in one atomic step.
-- KEYS[1] lock key (value: the holder's random owner token, expiring after the lease)
-- KEYS[2] fencing counter of the name (never expires)
-- ARGV[1] owner token, ARGV[2] lease time in milliseconds
-- Returns the new fencing token (> 0) if granted; otherwise minus the holder's remaining
-- milliseconds (<= -1), so a waiter knows when to look again if no release message arrives.
-- Idempotent: a retry with the same owner token (the reply of the first try was lost with its
-- connection) gets the same grant back. While this owner holds the key nobody else was
-- granted, so the counter still holds this owner's token.
-- Both keys share the name's hash tag, so this also runs on Redis Cluster.
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('incr', KEYS[2])
end
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return tonumber(redis.call('get', KEYS[2]))
end
local left = redis.call('pttl', KEYS[1])
if left < 1 then
  left = 1
end
return -left
