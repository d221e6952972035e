package dev.baton.locks.etcd;

import dev.baton.locks.LockException;
import dev.baton.locks.LockUnavailableException;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** Nanos left of a timeout that began at {@code begin} (System.nanoTime()). */
  long left(long begin) {
    return timeoutNanos - (System.nanoTime() - begin);
  }

  /**
   * Waits for {@code call}'s answer for at most the timeout, ignoring interrupts meanwhile (the
   * flag is set again before returning): used where an answer is needed to leave nothing behind.
   */
  <T> T await(String action, String name, CompletableFuture<T> call) {
    return await(action, name, call, timeoutNanos);
  }

  /** Like {@link #await}, for at most {@code nanos} (at least 1 ms). */
  <T> T await(String action, String name, CompletableFuture<T> call, long nanos) {
    long deadline = System.nanoTime() + Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(1));
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
    return awaitInterruptibly(action, name, call, timeoutNanos);
  }

  /** Like {@link #awaitInterruptibly}, for at most {@code nanos} (at least 1 ms). */
  <T> T awaitInterruptibly(String action, String name, CompletableFuture<T> call, long nanos)
      throws InterruptedException {
    try {
      return call.get(Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | CompletionException e) {
      throw translate(action, name, e.getCause());
    } catch (CancellationException | TimeoutException e) {
      throw translate(action, name, e);
    }
  }

  /**
   * For calls that are safe to repeat and that jetcd does not retry itself (keep-alive): if the
   * first request fails because no member could be reached, or has no answer after half the
   * timeout (it may sit on a member that waits for a new leader), a second request is sent and
   * the first answer of either counts. Within the timeout in all.
   */
  <T> T awaitWithSecondTry(String action, String name, Supplier<CompletableFuture<T>> call) {
    long begin = System.nanoTime();
    CompletableFuture<T> first = call.get();
    try {
      return await(action, name, first, timeoutNanos / 2);
    } catch (LockUnavailableException e) {
      // no answer yet, or no member reachable: try once more, below
    }
    CompletableFuture<T> second = call.get();
    CompletableFuture<T> either = new CompletableFuture<>();
    AtomicInteger failures = new AtomicInteger();
    for (CompletableFuture<T> attempt : List.of(first, second)) {
      attempt.whenComplete((result, error) -> {
        if (error == null) {
          either.complete(result);
        } else if (failures.incrementAndGet() == 2) {
          either.completeExceptionally(error);
        }
      });
    }
    return await(action, name, either, timeoutNanos - (System.nanoTime() - begin));
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
