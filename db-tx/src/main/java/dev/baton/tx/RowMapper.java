package dev.baton.tx;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Maps the current row of a result set to a value. Must not move the cursor.
 *
 * <p>Called on the thread that runs the query; an instance used by several threads at once
 * must be thread-safe.
 *
 * @param <T> the value
 */
@FunctionalInterface
public interface RowMapper<T> {

  /**
   * Maps the row the result set is on.
   *
   * @param row the result set, positioned on the row to map
   * @return the value for this row
   * @throws SQLException if reading a column fails; the caller wraps it in a
   *     {@link TransactionException}
   */
  T map(ResultSet row) throws SQLException;
}
