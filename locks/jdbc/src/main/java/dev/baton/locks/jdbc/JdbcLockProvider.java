package dev.baton.locks.jdbc;

import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import dev.baton.locks.Ticker;
import dev.baton.locks.spi.AbstractLease;
import dev.baton.locks.spi.AbstractLockProvider;
import dev.baton.locks.spi.LockArguments;
import dev.baton.locks.spi.LockProviderBuilder;
import dev.baton.locks.spi.Renewal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

/**
 * Leases on a relational database, with the best mechanism each database offers:
 *
 * <ul>
 *   <li>PostgreSQL: session advisory locks on 64-bit keys, many leases per session, held on a
 *       few connections of the provider's own; a waiter waits in PostgreSQL's lock queue;
 *   <li>MySQL and MariaDB: {@code GET_LOCK}, the same way;
 *   <li>any other database (H2 and the rest): a lock table with the expiry on the database's
 *       clock.
 * </ul>
 *
 * <pre>{@code
 * try (LockProvider locks = JdbcLockProvider.create(dataSource)) {
 *   locks.tryAcquire("nightly-export", Duration.ofMinutes(10)).ifPresent(lease -> {
 *     try (lease) {
 *       export.run(lease.fencingToken());
 *     }
 *   });
 * }
 * }</pre>
 *
 * <p>Fencing tokens come from a counter that survives releases and restarts (a sequence on
 * PostgreSQL, a row per name elsewhere). What each strategy guarantees, the connection pooler
 * caveat and the failure behaviour are in the module's README. For code already inside a
 * transaction, see {@link JdbcLocks}. Thread-safe.
 */
public final class JdbcLockProvider extends AbstractLockProvider {
  /**
   * How a provider locks; {@link #AUTO} picks from the database's product name. Thread-safe, as
   * every enum.
   */
  public enum Strategy {
    /** PostgreSQL for PostgreSQL, MySQL/MariaDB for those, the lock table for the rest. */
    AUTO,
    /** PostgreSQL session advisory locks. */
    POSTGRESQL_ADVISORY,
    /** MySQL or MariaDB {@code GET_LOCK}. */
    MYSQL_GET_LOCK,
    /** A lock table on any database with a known clock (see {@link Builder#databaseClock}). */
    LOCK_TABLE
  }

  private final Backend backend;
  private final Strategy strategy;
  private final Schema schema;

  private JdbcLockProvider(Builder builder, Strategy strategy, Schema schema, Connector connector,
      boolean sequence) {
    super(builder, Ticker.system());
    this.strategy = strategy;
    this.schema = schema;
    this.backend = switch (strategy) {
      case POSTGRESQL_ADVISORY -> new SessionLocks(this, connector, new PostgresSessions(schema),
          builder.sessions, builder.heartbeat);
      case MYSQL_GET_LOCK -> new SessionLocks(this, connector, new MySqlSessions(schema, sequence),
          builder.sessions, builder.heartbeat);
      case LOCK_TABLE -> new TableLocks(this, connector, schema, builder.pollInterval);
      case AUTO -> throw new AssertionError("resolved before");
    };
  }

  /**
   * A provider with the strategy for the database behind {@code dataSource}, and defaults.
   * Connects once to read the database's product name, as {@link Builder#build()}.
   *
   * @param dataSource where the provider takes its connections; not null
   * @return a new provider; close it when done (the data source stays open)
   * @throws LockUnavailableException if the database cannot be reached
   * @throws LockException if the database refuses what the strategy needs
   */
  public static JdbcLockProvider create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * A builder for a provider over {@code dataSource}.
   *
   * @param dataSource where the provider takes its connections; not null
   * @return a new builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource must not be null"));
  }

  /**
   * The strategy in use.
   *
   * @return the strategy chosen at build time, never {@link Strategy#AUTO}
   */
  public Strategy strategy() {
    return strategy;
  }

  /**
   * Locks {@code name} until the end of {@code connection}'s current transaction, in this
   * provider's namespace, lock table and token sequence, waiting up to {@code maxWait} (zero:
   * one attempt). Like {@link JdbcLocks#lockInTransaction}, which uses the default names, but
   * it excludes this provider's leases of the same name (and those of every provider built
   * alike) where the strategy allows: {@code pg_advisory_xact_lock} on the provider's key for
   * {@link Strategy#POSTGRESQL_ADVISORY}, the provider's lock-table row for
   * {@link Strategy#LOCK_TABLE}. For {@link Strategy#MYSQL_GET_LOCK} it locks the row of the
   * provider's lock table, which does not exclude {@code GET_LOCK} leases: one kind per name.
   * The connection is the caller's, to the same database, with auto-commit off; it does not
   * come from, or count against, the provider's sessions.
   *
   * @param connection the caller's connection, with auto-commit off; not null
   * @param name the lock name: 1 to 1024 characters, not blank
   * @param maxWait how long to wait for the name, zero or positive
   * @return the fencing token, or empty if the name stayed held for {@code maxWait}
   * @throws IllegalStateException if the connection is in auto-commit mode, or the provider is
   *     closed
   * @throws IllegalArgumentException if the connection is to another kind of database than the
   *     provider's strategy needs, or {@code name} or {@code maxWait} is invalid
   * @throws LockException if the database fails the statement
   */
  public OptionalLong lockInTransaction(Connection connection, String name, Duration maxWait) {
    ensureOpen();
    return JdbcLocks.lock(connection, name, maxWait, strategy, schema);
  }

  @Override
  protected Optional<? extends AbstractLease> doTryAcquire(String name, Duration leaseTime, long start) {
    return backend.tryGrant(name, leaseTime, start).map(grant -> new JdbcLease(this, name, grant, leaseTime));
  }

  @Override
  protected Optional<? extends AbstractLease> doAwait(String name, Duration leaseTime, long deadline)
      throws InterruptedException {
    return backend.await(name, leaseTime, deadline).map(grant -> new JdbcLease(this, name, grant, leaseTime));
  }

  @Override
  protected void wakeWaiters() {
    backend.wake();
  }

  @Override
  protected void doClose() {
    backend.close();
  }

  /** Kept-alive renewals due together share a store call when the strategy allows it. */
  @Override
  protected int renewalBatchSize() {
    return backend.renewalBatchSize();
  }

  /** One session check per lock session, or one statement pair per lock-table batch. */
  @Override
  protected void renewAll(List<Renewal> renewals) {
    backend.renewAll(renewals);
  }

  /** The grant behind a renewal's lease. */
  static Grant grantOf(Renewal renewal) {
    return ((JdbcLease) renewal.lease()).grant;
  }

  // For the package's backends, which cannot reach the protected members themselves.

  boolean closing() {
    return isClosed();
  }

  IllegalStateException closed() {
    return closedException();
  }

  long tickerRead() {
    return ticker().read();
  }

  ScheduledExecutorService timers() {
    return scheduler();
  }

  Executor storeCalls() {
    return storeCallThreads();
  }

  String storeName() {
    return store();
  }

  /** A lease whose store operations are its {@link Grant}'s. */
  static final class JdbcLease extends AbstractLease {
    private final Grant grant;

    JdbcLease(JdbcLockProvider provider, String name, Grant grant, Duration leaseTime) {
      super(provider, name, grant.token, leaseTime, grant.tickerStart);
      this.grant = grant;
      grant.bind(this);
    }

    @Override
    protected boolean renew(Duration leaseTime) {
      return grant.renew(leaseTime);
    }

    @Override
    protected boolean unlock() {
      return grant.unlock();
    }

    /** The store ended the grant behind the holder's back, e.g. its session died. */
    void storeLost(String reason, Throwable cause) {
      lost(reason, cause);
    }
  }

  /**
   * Settings of a {@link JdbcLockProvider}; {@link #build()} reads the database's product name
   * and prepares the schema objects the strategy needs. Not thread-safe.
   */
  public static final class Builder extends LockProviderBuilder<Builder> {
    private final DataSource dataSource;
    private Strategy strategy = Strategy.AUTO;
    private String namespace = "baton";
    private String lockTable = "baton_lock";
    private String tokenSequence = "baton_lock_token";
    private boolean createSchema = true;
    private String databaseClock;
    private Duration timeout = Duration.ofSeconds(5);
    private int sessions = 2;
    private Duration heartbeat = Duration.ofSeconds(2);
    private Duration pollInterval = Duration.ofMillis(50);
    /** Tests only: MySQL's token table on a MariaDB that has sequences. */
    boolean mysqlTokensInTable;

    private Builder(DataSource dataSource) {
      super("jdbc");
      this.dataSource = dataSource;
    }

    /**
     * How to lock; by default {@link Strategy#AUTO}.
     *
     * @param strategy the strategy; not null
     * @return this builder
     */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy must not be null");
      return this;
    }

    /**
     * Hashed together with every name, so providers with different namespaces never exclude
     * each other on the same database; by default {@code "baton"}. Providers that must exclude
     * each other use the same namespace.
     *
     * @param namespace the namespace; not empty, without NUL characters
     * @return this builder
     * @throws IllegalArgumentException if {@code namespace} is empty or contains NUL
     */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace must not be null");
      if (namespace.isEmpty() || namespace.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("namespace must be non-empty and free of NUL: \""
            + namespace + "\"");
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * The lock table: the leases of {@link Strategy#LOCK_TABLE}, and the fencing counters of
     * MySQL/MariaDB; by default {@code baton_lock}. A plain or schema-qualified SQL identifier.
     *
     * @param lockTable the table name
     * @return this builder
     * @throws IllegalArgumentException if {@code lockTable} is not a plain or schema-qualified
     *     SQL identifier
     */
    public Builder lockTable(String lockTable) {
      this.lockTable = Schema.checkIdentifier("lockTable", lockTable);
      return this;
    }

    /**
     * The sequence of fencing tokens on PostgreSQL and MariaDB (10.3+); by default
     * {@code baton_lock_token}.
     *
     * @param tokenSequence the sequence name
     * @return this builder
     * @throws IllegalArgumentException if {@code tokenSequence} is not a plain or
     *     schema-qualified SQL identifier
     */
    public Builder tokenSequence(String tokenSequence) {
      this.tokenSequence = Schema.checkIdentifier("tokenSequence", tokenSequence);
      return this;
    }

    /**
     * Whether {@link #build()} creates the lock table or token sequence when missing; by default
     * true. Without it, the objects must exist (the README has their DDL).
     *
     * @param createSchema whether to create missing schema objects
     * @return this builder
     */
    public Builder createSchema(boolean createSchema) {
      this.createSchema = createSchema;
      return this;
    }

    /**
     * For {@link Strategy#LOCK_TABLE} on a database Baton does not know: an SQL expression for
     * the database's current time in milliseconds since the epoch, as a BIGINT. Known:
     * PostgreSQL, MySQL, MariaDB and H2.
     *
     * @param sqlExpression the SQL expression, e.g. {@code CAST(... AS BIGINT)}; not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code sqlExpression} is blank
     */
    public Builder databaseClock(String sqlExpression) {
      Objects.requireNonNull(sqlExpression, "databaseClock must not be null");
      if (sqlExpression.isBlank()) {
        throw new IllegalArgumentException("databaseClock must not be blank: \"" + sqlExpression + "\"");
      }
      this.databaseClock = sqlExpression;
      return this;
    }

    /**
     * The longest opening a connection or one statement may take; by default 5 seconds. An
     * acquisition against an unreachable or stalled database throws
     * {@link LockUnavailableException} after about this long.
     *
     * @param timeout the timeout; positive and below 24 days
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = LockArguments.checkTimeout("timeout", timeout);
      return this;
    }

    /**
     * PostgreSQL and MySQL/MariaDB: how many connections hold this provider's leases (each holds
     * any number); by default 2. Waiters use further connections of their own while they wait
     * in the database's lock queue.
     *
     * @param sessions the number of lease-holding connections, 1 to 64
     * @return this builder
     * @throws IllegalArgumentException if {@code sessions} is outside [1, 64]
     */
    public Builder sessions(int sessions) {
      if (sessions < 1 || sessions > 64) {
        throw new IllegalArgumentException("sessions must be within [1, 64]: " + sessions);
      }
      this.sessions = sessions;
      return this;
    }

    /**
     * PostgreSQL and MySQL/MariaDB: how often a connection that holds leases is checked; by
     * default every 2 seconds. A connection found dead (or moved to another server session)
     * marks its leases lost.
     *
     * @param heartbeat the check interval; positive and below 24 days
     * @return this builder
     * @throws IllegalArgumentException if {@code heartbeat} is out of range
     */
    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = LockArguments.checkTimeout("heartbeat", heartbeat);
      return this;
    }

    /**
     * {@link Strategy#LOCK_TABLE}: the longest pause between two attempts of a waiter, which
     * polls with a jittered backoff from 2 ms up to this; by default 50 ms. A release by the same
     * provider wakes its waiters at once.
     *
     * @param pollInterval the longest pause; positive and below 24 days
     * @return this builder
     * @throws IllegalArgumentException if {@code pollInterval} is out of range
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = LockArguments.checkTimeout("pollInterval", pollInterval);
      return this;
    }

    /**
     * Builds the provider: asks the database for its product name (for {@link Strategy#AUTO}
     * and the SQL dialect) and, unless {@link #createSchema(boolean) createSchema(false)},
     * creates the lock table or sequence if missing.
     *
     * @return a new provider; close it when done (the data source stays open)
     * @throws IllegalStateException if the chosen {@link #strategy(Strategy) strategy} is a
     *     database's own lock and the database is another kind (use {@link Strategy#LOCK_TABLE})
     * @throws LockUnavailableException if the database cannot be reached
     * @throws LockException if it refuses to create what the strategy needs, or for
     *     {@link Strategy#MYSQL_GET_LOCK} on a server whose {@code GET_LOCK} holds one lock
     *     per session only (MySQL before 5.7.5, MariaDB before 10.0.2)
     */
    public JdbcLockProvider build() {
      Connector connector = new Connector(dataSource, timeout);
      String product;
      Schema schema;
      Strategy chosen;
      boolean sequence;
      try (Connector.Borrowed borrowed = connector.borrow(timeout)) {
        Connection connection = borrowed.connection;
        product = connection.getMetaData().getDatabaseProductName();
        connector.embedded(Connector.isEmbedded(connection.getMetaData().getURL()));
        chosen = strategy == Strategy.AUTO ? pick(product) : strategy;
        if (chosen != Strategy.LOCK_TABLE && pick(product) != chosen) {
          throw new IllegalStateException("strategy " + chosen + " does not work on " + product
              + ": use " + pick(product) + " or LOCK_TABLE");
        }
        if (chosen == Strategy.MYSQL_GET_LOCK) {
          MySqlSessions.checkGetLockVersion(Sql.queryString(connection, "SELECT VERSION()"));
        }
        schema = new Schema(namespace, lockTable, tokenSequence,
            Dialect.of(product, databaseClock, chosen == Strategy.LOCK_TABLE));
        sequence = chosen == Strategy.POSTGRESQL_ADVISORY
            || (chosen == Strategy.MYSQL_GET_LOCK && !mysqlTokensInTable && MySqlSessions.hasSequences(connection));
        if (createSchema) {
          schema.create(connection, chosen, sequence);
        }
      } catch (SQLException e) {
        connector.close();
        throw Connector.failure("preparing the lock provider", e);
      } catch (RuntimeException e) {
        connector.close();
        throw e;
      }
      defaultStoreName(chosen == Strategy.LOCK_TABLE
          ? "jdbc-table:" + product.toLowerCase(Locale.ROOT)
          : product.toLowerCase(Locale.ROOT));
      return new JdbcLockProvider(this, chosen, schema, connector, sequence);
    }

    static Strategy pick(String product) {
      String p = product.toLowerCase(Locale.ROOT);
      if (p.contains("postgresql")) {
        return Strategy.POSTGRESQL_ADVISORY;
      }
      if (p.contains("mysql") || p.contains("mariadb")) {
        return Strategy.MYSQL_GET_LOCK;
      }
      return Strategy.LOCK_TABLE;
    }
  }
}
