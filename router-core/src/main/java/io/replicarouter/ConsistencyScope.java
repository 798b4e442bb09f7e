package io.replicarouter;

import io.replicarouter.internal.consistency.ScopeState;

import java.sql.SQLException;
import java.util.Optional;

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
    /** The force-primary region a continued scope opened on this thread (it was captured forced), else null. */
    private final PrimaryScope forced;
    private boolean closed;

    ConsistencyScope(RoutingDataSource owner, ScopeState state) {
        this(owner, state, null);
    }

    ConsistencyScope(RoutingDataSource owner, ScopeState state, PrimaryScope forced) {
        this.owner = owner;
        this.state = state;
        this.forced = forced;
    }

    /** A scope that is not open anywhere (a {@link CapturedScope} taken while none was open continues it). */
    static ConsistencyScope none(RoutingDataSource owner, Consistency level, PrimaryScope forced) {
        ConsistencyScope scope = new ConsistencyScope(owner, new ScopeState(level), forced);
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

    /** The staleness budget set with {@link #maxStaleness(java.time.Duration)}; empty when none was set. */
    public Optional<java.time.Duration> maxStaleness() {
        long nanos = state.maxStalenessNanos();
        return nanos == Long.MAX_VALUE ? Optional.empty() : Optional.of(java.time.Duration.ofNanos(nanos));
    }

    /**
     * Whether a write was recorded in this scope (on any thread that continued it), at any level, also
     * {@link Consistency#EVENTUAL}. A scope resumed from a token, or that adopted positions, and has not written
     * itself answers false: this tells whether the unit of work wrote, e.g. whether a response needs a new token.
     */
    public boolean hasWrites() {
        return state.wrote();
    }

    /**
     * Whether {@link #token()} would carry a position: writes recorded here, or positions resumed or adopted (of
     * this cluster or others). False for a fresh scope: its token would be empty.
     */
    public boolean hasPosition() {
        return state.hasPosition();
    }

    /**
     * Merges a token's positions into this open scope: its later reads also see the writes the token records.
     * The same rules as {@link RoutingDataSource#resumeScope(String)}: a malformed, unsigned (when a secret is
     * configured), foreign or impossible token is ignored with a warning and a {@link RoutingListener#tokenIgnored}
     * event, never an exception; {@code null} or blank does nothing. Adopting is not writing:
     * {@link #hasWrites()} is unchanged.
     */
    public ConsistencyScope adopt(String token) {
        owner.adoptToken(state, token);
        return this;
    }

    /**
     * Merges what {@code other} must read into this scope: the positions of its writes (a write not yet resolved
     * stays pending here and is resolved when needed), the token positions it adopted, and for a
     * {@link Consistency#MONOTONIC} scope the position its reads have seen. Without a round trip. {@code other}
     * may be closed already (an inner scope handing its writes back to the enclosing one); its later writes are
     * not followed. {@link #hasWrites()} is unchanged. Adopting itself does nothing.
     *
     * @throws IllegalArgumentException when {@code other} belongs to another data source (use
     *                                  {@code adopt(other.token())} across data sources)
     */
    public ConsistencyScope adopt(ConsistencyScope other) {
        java.util.Objects.requireNonNull(other, "other");
        if (other.owner != owner) {
            throw new IllegalArgumentException("adopt: the scope belongs to another RoutingDataSource; pass its"
                    + " token() instead");
        }
        state.adoptScope(other.state);
        return this;
    }

    /**
     * This scope as a handle another thread can continue ({@link CapturedScope#continueHere()}): the same scope,
     * shared, not a copy, and whether this thread forces the primary now ({@link RoutingDataSource#forcePrimary()}),
     * which the continuing thread then does too while it continues the scope. Cheap; call it on the thread that
     * opened the scope, before handing work off.
     */
    public CapturedScope capture() {
        return new CapturedScope(owner, state, owner.forcesPrimaryHere());
    }

    ScopeState state() {
        return state;
    }

    /** Ends the scope on this thread. Idempotent. */
    @Override
    public void close() {
        if (forced != null) {
            forced.close(); // idempotent
        }
        if (!closed) {
            closed = true;
            owner.closeScope(state);
        }
    }
}
