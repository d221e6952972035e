package dev.baton.locks.etcd;

import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waits for jetcd's futures, each at most the provider's timeout, and turns their failures into
 * Baton's exceptions: no answer in time, a refused connection or a cluster without a leader
 * become {@link LockUnavailableException}; a refusal that retrying will not cure (credentials,
 * permissions, a closed client) becomes {@link LockException}. Messages name the action and the
 * lock name. Immutable and thread-safe.
 */
final class EtcdCalls {
  private final long timeoutNanos;

  EtcdCalls(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  Duration timeout() {
    return Duration.ofNanos(timeoutNanos);
  }

  /**
   * Waits for {@code call}'s answer for at most the timeout, ignoring interrupts meanwhile (the
   * flag is set again before returning): used where an answer is needed to leave nothing behind.
   */
  <T> T await(String action, String name, CompletableFuture<T> call) {
    long deadline = System.nanoTime() + timeoutNanos;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | CompletionException e) {
          throw translate(action, name, e.getCause());
        } catch (CancellationException | TimeoutException e) {
          throw translate(action, name, e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Like {@link #await}, but an interrupt ends the wait. */
  <T> T awaitInterruptibly(String action, String name, CompletableFuture<T> call)
      throws InterruptedException {
    try {
      return call.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException | CompletionException e) {
      throw translate(action, name, e.getCause());
    } catch (CancellationException | TimeoutException e) {
      throw translate(action, name, e);
    }
  }

  /**
   * Starts {@code call} and, if it fails at once because no member could be reached (a
   * connection refused while a member restarts), starts it once more while time is left. Only
   * for calls that are safe to repeat and that jetcd does not retry itself (keep-alive).
   */
  <T> T awaitRetryingOnce(String action, String name, Supplier<CompletableFuture<T>> call) {
    long begin = System.nanoTime();
    try {
      return await(action, name, call.get());
    } catch (LockUnavailableException e) {
      if (!(e.getCause() instanceof EtcdException etcd)
          || etcd.getErrorCode() != ErrorCode.UNAVAILABLE
          || System.nanoTime() - begin > timeoutNanos / 2) {
        throw e;
      }
      return await(action, name, call.get());
    }
  }

  /** True if {@code e} (or its cause) says the lease or key asked for does not exist. */
  static boolean isNotFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EtcdException etcd) {
        return etcd.getErrorCode() == ErrorCode.NOT_FOUND;
      }
    }
    return false;
  }

  LockException translate(String action, String name, Throwable cause) {
    String where = action + " " + name;
    if (cause instanceof TimeoutException) {
      return new LockUnavailableException("etcd unreachable while trying to " + where
          + ": no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", cause);
    }
    if (cause instanceof ClosedClientException) {
      return new LockException("the etcd client is closed; cannot " + where, cause);
    }
    Status.Code code = cause instanceof EtcdException etcd
        ? Status.Code.valueOf(etcd.getErrorCode().name())
        : Status.fromThrowable(cause).getCode();
    String message = cause.getMessage();
    switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, CANCELLED, INTERNAL, UNKNOWN:
        // Connection refused or reset, a member without a leader, "request timed out", an
        // overloaded server: the store cannot be reached right now.
        return new LockUnavailableException(
            "etcd unreachable while trying to " + where + ": " + code + " " + message, cause);
      default:
        // Credentials, permissions, a malformed request: retrying will not help.
        return new LockException(
            "etcd refused the request to " + where + ": " + code + " " + message, cause);
    }
  }
}
