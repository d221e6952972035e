package dev.baton.tx;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A per-key, per-day counter with a limit that concurrent reservations never exceed, e.g. a
 * daily quota of uploads per customer. It lives in one table of yours:
 * {@code (counter_key VARCHAR(200), counter_day DATE, amount_used INT, PRIMARY KEY (counter_key,
 * counter_day))}, which {@link #createTable} creates.
 *
 * <pre>{@code
 * DailyCounter quota = DailyCounter.of("upload_quota");
 * boolean reserved = tx.inTransaction(c -> quota.tryReserve(c, customerId, today, 1, 20));
 * }</pre>
 *
 * <p>The decision is one conditional statement,
 * {@code UPDATE ... SET amount_used = amount_used + n WHERE ... AND amount_used + n <= limit}:
 * the database takes the row lock, re-reads the row after any concurrent reservation committed
 * and only then checks the condition, so no interleaving can overbook — no read-then-write race
 * in the application. Before it, the day's row is created if missing (idempotently, in a way
 * that is safe under concurrency on each database). Works on PostgreSQL, MariaDB/MySQL and H2.
 * Under REPEATABLE READ or SERIALIZABLE a concurrent reservation may fail with a serialization
 * failure, which the {@link Transactor} retries.
 *
 * <p>Immutable and thread-safe.
 */
public final class DailyCounter {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final String table;
  private final String reserveSql;
  private final String usedSql;

  private DailyCounter(String table) {
    this.table = table;
    this.reserveSql = "UPDATE " + table + " SET amount_used = amount_used + ?"
        + " WHERE counter_key = ? AND counter_day = ? AND amount_used + ? <= ?";
    this.usedSql = "SELECT amount_used FROM " + table + " WHERE counter_key = ? AND counter_day = ?";
  }

  /**
   * The counters in {@code table}: a plain SQL identifier (letters, digits, underscores; not
   * quoted), checked here since it becomes part of the SQL.
   *
   * @param table the table's name, at most 63 characters
   * @return a counter over that table (the table is not touched here)
   * @throws IllegalArgumentException if {@code table} is not a plain SQL identifier
   */
  public static DailyCounter of(String table) {
    Objects.requireNonNull(table, "table");
    if (!IDENTIFIER.matcher(table).matches()) {
      throw new IllegalArgumentException("table must be a plain SQL identifier: " + table);
    }
    return new DailyCounter(table);
  }

  /**
   * Creates the table if it does not exist.
   *
   * @param connection where to run the {@code CREATE TABLE IF NOT EXISTS}
   * @throws TransactionException on an SQL failure (the SQLException is the cause)
   */
  public void createTable(Connection connection) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
          + "counter_key VARCHAR(200) NOT NULL, counter_day DATE NOT NULL, "
          + "amount_used INT NOT NULL, PRIMARY KEY (counter_key, counter_day))");
    } catch (SQLException e) {
      throw new TransactionException("could not create " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds {@code amount} to the key's counter for {@code day} if the result stays within
   * {@code limit}; returns whether it did. Run it in a transaction: the reservation counts once
   * that transaction commits, and rolls back with it.
   *
   * @param connection a connection inside a transaction
   * @param key the counter's key, at most 200 characters (the column's width)
   * @param day the day the reservation counts on
   * @param amount how much to add, at least 1
   * @param limit the most the day's counter may reach, 0 or more
   * @return true if the amount was added, false if it would have passed the limit (nothing
   *     changed)
   * @throws IllegalArgumentException if amount is not positive or limit is negative
   * @throws TransactionException on an SQL failure (the SQLException is the cause; a
   *     serialization failure or deadlock in it is retried by the transactor)
   */
  public boolean tryReserve(Connection connection, String key, LocalDate day, int amount,
      int limit) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(day, "day");
    if (amount < 1) {
      throw new IllegalArgumentException("amount must be positive: " + amount);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    try {
      ensureRow(connection, key, day);
      try (PreparedStatement reserve = connection.prepareStatement(reserveSql)) {
        reserve.setInt(1, amount);
        reserve.setString(2, key);
        reserve.setObject(3, day);
        reserve.setInt(4, amount);
        reserve.setInt(5, limit);
        return reserve.executeUpdate() == 1;
      }
    } catch (SQLException e) {
      throw new TransactionException("reserve of " + amount + " on " + table + " '" + key
          + "' for " + day + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The amount reserved (and committed, or reserved by this transaction) for the key and day.
   *
   * @param connection where to read
   * @param key the counter's key
   * @param day the day
   * @return the amount used, 0 if nothing was reserved for that key and day
   * @throws TransactionException on an SQL failure (the SQLException is the cause)
   */
  public int used(Connection connection, String key, LocalDate day) {
    try (PreparedStatement query = connection.prepareStatement(usedSql)) {
      query.setString(1, key);
      query.setObject(2, day);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? row.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw new TransactionException("could not read " + table + ": " + e.getMessage(), e);
    }
  }

  /** Inserts the day's row with 0 used, unless it exists; never fails because it exists. */
  private void ensureRow(Connection connection, String key, LocalDate day) throws SQLException {
    Dialect dialect = Dialect.of(connection);
    String columns = table + " (counter_key, counter_day, amount_used) VALUES (?, ?, 0)";
    String sql;
    switch (dialect) {
      case POSTGRESQL:
        sql = "INSERT INTO " + columns + " ON CONFLICT DO NOTHING";
        break;
      case MARIADB:
      case MYSQL:
        sql = "INSERT INTO " + columns + " ON DUPLICATE KEY UPDATE amount_used = amount_used";
        break;
      default:
        // H2 and others: a plain insert whose duplicate-key failure is the "exists" answer. On
        // H2 (unlike PostgreSQL) a failed statement leaves the transaction usable.
        sql = "INSERT INTO " + columns;
        break;
    }
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setString(1, key);
      insert.setObject(2, day);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState()) || dialect == Dialect.POSTGRESQL) {
        throw e;
      }
    }
  }
}
