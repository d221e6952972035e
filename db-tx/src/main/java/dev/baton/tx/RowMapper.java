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

  T map(ResultSet row) throws SQLException;
}
