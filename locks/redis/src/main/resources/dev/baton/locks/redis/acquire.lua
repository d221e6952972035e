-- Grants the lock and issues its fencing token in one atomic step.
-- KEYS[1] lock key (value: the holder's random owner token, expiring after the lease)
-- KEYS[2] fencing counter of the name (never expires; holds the last token issued)
-- ARGV[1] owner token, ARGV[2] lease time in milliseconds
-- Returns the new fencing token (> 0) if granted; otherwise minus the holder's remaining
-- milliseconds (<= -1), so a waiter knows when to look again if no release message arrives.
--
-- The token is max(counter + 1, the server's TIME in microseconds), stored back in the
-- counter. It increases with every grant while the counter lives, and still exceeds every
-- earlier token when the counter was lost (a restart without persistence, an eviction, a
-- failover to a replica that missed the last increments), provided the server's clock has not
-- stepped back by more than the time since the last grant. TIME is non-deterministic: Redis 5+
-- replicates the script's effects (the INCRBY), never the script; the guarded call below asks
-- for that on older servers and does nothing on Redis 7.
--
-- Idempotent: a retry with the same owner token (the reply of the first try was lost with its
-- connection) gets the same grant back. While this owner holds the key nobody else was
-- granted, so the counter still holds this owner's token; if the counter was lost meanwhile,
-- a new, greater token is issued (the lost reply's token was never seen).
-- Both keys share the name's hash tag, so this also runs on Redis Cluster.
if redis.replicate_commands then
  redis.replicate_commands()
end

local function issue()
  local time = redis.call('time')
  local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local last = tonumber(redis.call('get', KEYS[2])) or 0
  local step = 1
  if now > last then
    step = now - last
  end
  -- INCRBY keeps the arithmetic exact in Redis's 64-bit integers, and step >= 1 always
  -- increases the counter; '%.0f' passes the integer without an exponent.
  return redis.call('incrby', KEYS[2], string.format('%.0f', step))
end

if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return issue()
end
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  local token = tonumber(redis.call('get', KEYS[2]))
  if token == nil then
    return issue()
  end
  return token
end
local left = redis.call('pttl', KEYS[1])
if left < 1 then
  left = 1
end
return -left
