-- Owner-checked renewal of many leases in one call: each key is re-expired only if it still
-- holds its lease's owner token.
-- KEYS[i] lock key; ARGV[2i-1] its owner token; ARGV[2i] its lease time in milliseconds
-- Returns one integer per key: 1 if extended, 0 if the key is gone or belongs to another holder.
local renewed = {}
for i, key in ipairs(KEYS) do
  if redis.call('get', key) == ARGV[2 * i - 1] then
    redis.call('pexpire', key, ARGV[2 * i])
    renewed[i] = 1
  else
    renewed[i] = 0
  end
end
return renewed
