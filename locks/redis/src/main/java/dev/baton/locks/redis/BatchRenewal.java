package dev.baton.locks.redis;

import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.spi.AbstractLease;
import dev.baton.locks.spi.Renewal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The arguments of one {@code extend_all.lua} call for a batch of kept-alive renewals (each
 * key with its owner token and its own lease time), and the reading of its answer, one 0 or 1
 * per key. Not thread-safe; one per call.
 */
final class BatchRenewal {
  private final List<Renewal> group;
  private final List<String> lockKeys;
  private final List<String> args;

  BatchRenewal(List<Renewal> group, RedisKeys keys, Function<AbstractLease, String> owner) {
    this.group = group;
    this.lockKeys = new ArrayList<>(group.size());
    this.args = new ArrayList<>(2 * group.size());
    for (Renewal renewal : group) {
      lockKeys.add(keys.lockKey(renewal.lease().name()));
      args.add(owner.apply(renewal.lease()));
      args.add(RedisLockProvider.millis(renewal.leaseTime()));
    }
  }

  /** The renewals grouped so that each script call touches keys of one slot only. */
  static List<List<Renewal>> bySlot(List<Renewal> renewals, RedisKeys keys, boolean cluster) {
    if (!cluster) {
      return List.of(renewals);
    }
    Map<Integer, List<Renewal>> slots = new LinkedHashMap<>();
    for (Renewal renewal : renewals) {
      int slot = JedisClusterCRC16.getSlot(keys.lockKey(renewal.lease().name()));
      slots.computeIfAbsent(slot, s -> new ArrayList<>()).add(renewal);
    }
    return new ArrayList<>(slots.values());
  }

  String first() {
    return group.get(0).lease().name();
  }

  List<String> keys() {
    return lockKeys;
  }

  List<String> args() {
    return args;
  }

  /** Marks each renewal by the script's answer for its key. */
  void apply(List<Long> renewed) {
    if (renewed == null || renewed.size() != group.size()) {
      throw new LockUnavailableException("Redis answered " + renewed + " to a renewal of "
          + group.size() + " leases (first " + first() + ")");
    }
    for (int i = 0; i < group.size(); i++) {
      if (renewed.get(i) == 1) {
        group.get(i).renewed();
      } else {
        group.get(i).notHeld();
      }
    }
  }
}
