/**
 * {@link dev.baton.locks.LockProvider} on etcd (jetcd). jetcd is re-exported because its
 * {@code Client} appears in the builder.
 *
 * <p>jetcd ships neither a module descriptor nor an {@code Automatic-Module-Name}, so on the
 * module path its name is derived from the jar's file name ({@code jetcd.core}), and gRPC's
 * jars split packages between them; until jetcd publishes module names, run etcd locks on the
 * class path (this module's descriptor still compiles and documents the dependencies).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.baton.locks.etcd {
  requires transitive dev.baton.locks;
  requires transitive jetcd.core;
  requires jetcd.common;
  requires io.grpc;
  requires io.netty.handler;
  requires org.slf4j;

  exports dev.baton.locks.etcd;
}
