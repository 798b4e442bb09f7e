package io.replicarouter;

import io.replicarouter.internal.consistency.ScopeState;

import java.sql.SQLException;

/**
 * A unit of read-your-writes: it remembers the primary's WAL position after each write made through the data
 * source while it is open on a thread, and makes later reads in it use only replicas that have replayed that
 * position (else wait up to the configured bound, else the primary). Open one per request or per user action,
 * and close it (try-with-resources); export it with {@link #token()} to continue it in another request, another
 * application instance or a message consumer ({@link RoutingDataSource#resumeScope(String)}); continue it on
 * another thread of this application with {@link #capture()}; start one from a WAL position known from elsewhere
 * with {@link RoutingDataSource#resumeAt(String)}.
 *
 * <p>Without an open scope, each logical connection is its own scope.
 */
public final class ConsistencyScope implements AutoCloseable {

    private final RoutingDataSource owner;
    private final ScopeState state;
    private boolean closed;

    ConsistencyScope(RoutingDataSource owner, ScopeState state) {
        this.owner = owner;
        this.state = state;
    }

    /** A scope that is not open anywhere (a {@link CapturedScope} taken while none was open continues it). */
    static ConsistencyScope none(RoutingDataSource owner, Consistency level) {
        ConsistencyScope scope = new ConsistencyScope(owner, new ScopeState(level));
        scope.closed = true;
        return scope;
    }

    public Consistency level() {
        return state.level();
    }

    /**
     * The scope as a compact string (the positions it must read at or after, per cluster; signed when a secret
     * is configured). Resolving a pending write costs one round trip to the primary.
     */
    public String token() throws SQLException {
        return owner.exportToken(state);
    }

    /**
     * A staleness budget for this scope's reads: only replicas whose measured lag is within it serve them (a
     * {@code max-staleness} hint on a statement takes precedence). It narrows the data source's lag limits; it
     * cannot widen them.
     */
    public ConsistencyScope maxStaleness(java.time.Duration budget) {
        if (budget == null || budget.isNegative()) {
            throw new IllegalArgumentException("maxStaleness must be >= 0, was " + budget);
        }
        state.maxStalenessNanos(budget.toNanos());
        return this;
    }

    /** Whether this scope has written something (it then needs a replica that replayed it). */
    public boolean hasWrites() {
        return state.pendingWrite() || state.writeLsn() != 0;
    }

    /**
     * This scope as a handle another thread can continue ({@link CapturedScope#continueHere()}): the same scope,
     * shared, not a copy. Cheap; call it on the thread that opened the scope, before handing work off.
     */
    public CapturedScope capture() {
        return new CapturedScope(owner, state);
    }

    ScopeState state() {
        return state;
    }

    /** Ends the scope on this thread. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.closeScope(state);
        }
    }
}
