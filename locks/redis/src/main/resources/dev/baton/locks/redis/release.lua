-- Owner-checked release: deletes the lock only if it still holds this owner's token, then
-- announces the release so waiters wake at once instead of polling.
-- KEYS[1] lock key; ARGV[1] owner token; ARGV[2] release channel; ARGV[3] lock name
-- Returns 1 if this call freed the name, 0 if it was gone or held by another holder (whose
-- grant is left untouched).
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  redis.call('publish', ARGV[2], ARGV[3])
  return 1
end
return 0
