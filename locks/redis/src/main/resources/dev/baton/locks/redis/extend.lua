-- Owner-checked renewal: re-expires the lock only if it still holds this owner's token.
-- KEYS[1] lock key; ARGV[1] owner token; ARGV[2] lease time in milliseconds
-- Returns 1 if extended, 0 if the key is gone or belongs to another holder (the lease is lost).
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
return 0
