package dev.baton.tx;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Maps the current row of a result set to a value. Must not move the cursor.
 *
 * @param <T> the value
 */
@FunctionalInterface
public interface RowMapper<T> {

  T map(ResultSet row) throws SQLException;
}
