/**
 * Baton's lease API ({@link dev.baton.locks.LockProvider}, {@link dev.baton.locks.Lease}), the
 * in-JVM and fallback providers, and multi-name acquisition.
 *
 * <p>{@code dev.baton.locks.spi} is exported on purpose: it is the service-provider interface a
 * backend (Baton's own or a third party's) builds on. slf4j is required for logging but is not
 * part of the API, so it is not re-exported.
 */
module dev.baton.locks {
  requires org.slf4j;

  exports dev.baton.locks;
  exports dev.baton.locks.spi;
}
