/**
 * {@link dev.baton.tx.Transactor}: JDBC transactions over any {@code DataSource} that always
 * close, retry and run in batches. {@code java.sql} is re-exported because its types appear
 * throughout the API.
 */
module dev.baton.tx {
  requires transitive java.sql;
  requires org.slf4j;

  exports dev.baton.tx;
}
