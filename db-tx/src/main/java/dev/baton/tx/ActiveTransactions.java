package dev.baton.tx;

import java.util.IdentityHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The outermost transaction each thread has open, per DataSource (by identity), so that a
 * nested call through any transactor on the same DataSource is recognised as nested.
 */
final class ActiveTransactions {
  private static final ThreadLocal<Map<DataSource, OpenTransaction>> BY_THREAD =
      ThreadLocal.withInitial(IdentityHashMap::new);

  private ActiveTransactions() {}

  /** This thread's map; only this thread reads or writes it. */
  static Map<DataSource, OpenTransaction> ofThisThread() {
    return BY_THREAD.get();
  }
}
