package io.replicarouter;

import io.replicarouter.internal.consistency.ScopeState;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * A consistency scope taken from one thread to continue it on another: work handed to an executor, a
 * {@code CompletableFuture} stage or a message handler keeps the guarantees of the request that started it.
 * Take one with {@link ConsistencyScope#capture()} or {@link RoutingDataSource#currentScope()}, then on the
 * other thread:
 * <pre>{@code
 * CapturedScope captured = scope.capture();
 * executor.submit(() -> {
 *     try (ConsistencyScope continued = captured.continueHere()) {
 *         ... // reads see the writes made in the scope before (and while) it was captured
 *     }
 * });
 * // or: executor.submit(captured.wrap(task)), or captured.wrap(executor)
 * }</pre>
 *
 * <p>The continued scope <em>is</em> the captured one, not a copy: a write on either thread is seen by later
 * reads on both, and by {@link ConsistencyScope#token()} on either. It may be continued on several threads at
 * once, and after the original was closed (scopes are thread-safe); for {@link Consistency#MONOTONIC} reads
 * running at the same time on several threads, "never older" holds for each read against the reads that ended
 * before it started. Immutable and thread-safe.
 */
public final class CapturedScope {

    private final RoutingDataSource owner;
    private final ScopeState state;
    private final boolean forcesPrimary;

    CapturedScope(RoutingDataSource owner, ScopeState state, boolean forcesPrimary) {
        this.owner = owner;
        this.state = state;
        this.forcesPrimary = forcesPrimary;
    }

    /** Whether a scope was open when this was captured (else continuing it opens no consistency scope). */
    public boolean isPresent() {
        return state != null;
    }

    /**
     * Whether the capturing thread forced the primary ({@link RoutingDataSource#forcePrimary()},
     * {@link RoutingDataSource#onPrimary}) when this was captured: the continuing thread then forces it too,
     * from {@link #continueHere()} until the returned scope is closed, so work handed off from a forced region
     * reads from the primary as the region would.
     */
    public boolean forcesPrimary() {
        return forcesPrimary;
    }

    /** Whether continuing it changes anything: a scope was open, or the primary was forced. */
    public boolean isEmpty() {
        return state == null && !forcesPrimary;
    }

    /**
     * Continues the scope on the calling thread, innermost, until the returned scope is closed
     * (try-with-resources, on this thread), forcing the primary meanwhile if the capturing thread did. Without a
     * captured scope, the returned one continues no consistency scope.
     */
    public ConsistencyScope continueHere() {
        return owner.enter(state, forcesPrimary);
    }

    /** {@code task}, run in this scope on whatever thread runs it. */
    public Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (ConsistencyScope continued = continueHere()) {
                task.run();
            }
        };
    }

    /** {@code task}, called in this scope on whatever thread calls it. */
    public <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (ConsistencyScope continued = continueHere()) {
                return task.call();
            }
        };
    }

    /** An executor that runs every task given to it in this scope. */
    public Executor wrap(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return task -> executor.execute(wrap(task));
    }
}
