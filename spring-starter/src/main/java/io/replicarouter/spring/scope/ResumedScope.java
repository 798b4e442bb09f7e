package io.replicarouter.spring.scope;

import io.replicarouter.Consistency;
import io.replicarouter.ConsistencyScope;
import io.replicarouter.RoutingDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A unit of consistent work the starter opened on one thread: a web request, a method annotated with
 * {@link ReplicaConsistency}, or work resumed from a token with {@link ConsistencyTokens}. It holds a router
 * {@link ConsistencyScope} and tells, at its end, whether the work wrote ({@link #advancedToken()}): then the token
 * to hand on to the next request, message or job. Close it on the thread that opened it (try-with-resources).
 *
 * <p>Such units nest on a thread. The router's scopes nest too, but an inner scope does not see the outer's
 * writes by itself, nor the outer the inner's. The starter bridges that for its own units with
 * {@link ConsistencyScope#adopt(ConsistencyScope)} (no round trip): an inner unit's scope starts from the enclosing
 * scope's position (and staleness budget, when the method sets none), and when it ends the enclosing unit's scope
 * adopts its position; if it wrote, the enclosing unit counts as having written. A scope the application opens
 * itself through {@link RoutingDataSource} is not a unit: an inner unit starts from its position, but hands its
 * writes on to the nearest enclosing unit.
 */
public final class ResumedScope implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResumedScope.class);
    private static final ThreadLocal<ResumedScope> TOP = new ThreadLocal<>();

    private final RoutingDataSource dataSource;
    private final ResumedScope parent;
    private final ConsistencyScope scope;
    /** An inner unit that wrote handed its writes to this unit; shared by the unit's continuations. */
    private final AtomicBoolean innerWrites;
    private boolean closed;

    private ResumedScope(RoutingDataSource dataSource, ResumedScope parent, ConsistencyScope scope,
                         AtomicBoolean innerWrites) {
        this.dataSource = dataSource;
        this.parent = parent;
        this.scope = scope;
        this.innerWrites = innerWrites;
    }

    /** Makes {@code scope} (just opened on this thread) the innermost unit of this thread. */
    static ResumedScope push(RoutingDataSource dataSource, ConsistencyScope scope) {
        return push(dataSource, scope, new AtomicBoolean());
    }

    private static ResumedScope push(RoutingDataSource dataSource, ConsistencyScope scope, AtomicBoolean innerWrites) {
        ResumedScope unit = new ResumedScope(dataSource, innermost(), scope, innerWrites);
        TOP.set(unit);
        return unit;
    }

    /**
     * Opens a unit for an annotated method: {@code level} (or the enclosing scope's level when {@code null}) and
     * {@code staleness} (or the enclosing scope's budget when {@code null}), starting from the enclosing scope's
     * position.
     */
    static ResumedScope enter(RoutingDataSource dataSource, Consistency level, Duration staleness) {
        ConsistencyScope enclosing;
        // Without an open scope this yields a scope that is open nowhere, with the data source's default level.
        try (ConsistencyScope e = dataSource.currentScope().continueHere()) {
            enclosing = e;
        }
        ConsistencyScope scope = dataSource.openScope(level != null ? level : enclosing.level());
        try {
            scope.adopt(enclosing);
            Duration budget = staleness != null ? staleness : enclosing.maxStaleness().orElse(null);
            if (budget != null) {
                scope.maxStaleness(budget);
            }
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
        return push(dataSource, scope);
    }

    /** The innermost unit open on this thread (units closed elsewhere are skipped), or {@code null}. */
    static ResumedScope innermost() {
        ResumedScope unit = TOP.get();
        while (unit != null && unit.closed) {
            unit = unit.parent;
        }
        return unit;
    }

    /** Whether this unit wrote: its scope recorded a write (on any thread), or an inner unit that wrote ended in it. */
    boolean wrote() {
        return scope.hasWrites() || innerWrites.get();
    }

    /**
     * The token to hand on when this unit wrote, else {@code null} (a unit resumed from a token that only read
     * needs no new one): what a web response sends back. Resolving a write costs one round trip to the primary; when
     * the primary does not answer, the result is {@code null} (logged). May be called from any thread, also after
     * {@link #close()}.
     */
    public String advancedToken() {
        return wrote() ? export(scope) : null;
    }

    /**
     * The token of this unit's position now (to put into a message or job payload), {@code null} when it carries no
     * position. Like {@link #advancedToken()}, never throws.
     */
    public String token() {
        return scope.hasPosition() ? export(scope) : null;
    }

    private static String export(ConsistencyScope s) {
        try {
            return s.token();
        } catch (SQLException | RuntimeException e) {
            log.warn("no consistency token: the scope's position could not be resolved ({})", e.getMessage());
            return null;
        }
    }

    /**
     * Continues this unit on the calling thread (a web request's async dispatch, a handed-off task) until the
     * returned unit is closed there: the same router scope, shared.
     */
    public ResumedScope continueHere() {
        return push(dataSource, scope.capture().continueHere(), innerWrites);
    }

    /**
     * Ends the unit on this thread: closes its router scope and lets the enclosing unit continue from its position
     * (counting its writes, if it wrote). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        ResumedScope to = parent;
        while (to != null && to.closed) {
            to = to.parent;
        }
        boolean handOn = to != null && to.dataSource == dataSource && TOP.get() == this;
        closed = true;
        scope.close();
        if (TOP.get() == this) {
            if (to == null) {
                TOP.remove();
            } else {
                TOP.set(to);
            }
        } else {
            log.warn("a consistency unit was closed out of order or on another thread than it was opened on");
        }
        if (handOn) {
            to.scope.adopt(scope);
            if (wrote()) {
                to.innerWrites.set(true);
            }
        }
    }
}
