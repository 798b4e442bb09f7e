package io.replicarouter.spring.scope;

import io.replicarouter.Consistency;
import io.replicarouter.ConsistencyScope;
import io.replicarouter.RoutingDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A unit of consistent work the starter opened on one thread: a web request, a method annotated with
 * {@link ReplicaConsistency}, or work resumed from a token with {@link ConsistencyTokens}. It holds a router
 * {@link ConsistencyScope} and tells, at its end, whether that scope got further than the token it started from
 * ({@link #advancedToken()}): the token to hand on to the next request, message or job. Close it on the thread that
 * opened it (try-with-resources).
 *
 * <p>Such units nest on a thread. The router's scopes nest too, but an inner scope knows nothing of the outer's
 * writes and the outer nothing of the inner's. The starter bridges that for its own units: an inner unit starts
 * from the outer's position, and when it ends having written, the enclosing unit continues from the inner's
 * position (it opens a router scope resumed from the inner's token, closed with it). A scope the application opens
 * itself through {@link RoutingDataSource} is not a unit: an inner unit starts from its position, but hands its
 * writes on to the nearest enclosing unit.
 */
public final class ResumedScope implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResumedScope.class);
    private static final ThreadLocal<ResumedScope> TOP = new ThreadLocal<>();

    private final RoutingDataSource dataSource;
    private final ResumedScope parent;
    private final Duration staleness;
    private final String resumed;
    private final List<ConsistencyScope> earlier = new ArrayList<>(0);
    private volatile ConsistencyScope scope;
    private boolean closed;

    private ResumedScope(RoutingDataSource dataSource, ResumedScope parent, ConsistencyScope scope,
                         Duration staleness, String resumed) {
        this.dataSource = dataSource;
        this.parent = parent;
        this.scope = scope;
        this.staleness = staleness;
        this.resumed = resumed;
    }

    /**
     * Makes {@code scope} (just opened on this thread) the innermost unit of this thread.
     *
     * @param staleness the staleness budget the unit applies to scopes it opens later, {@code null} for none
     * @param resumed   the token the scope started from, {@code null} for none
     */
    static ResumedScope push(RoutingDataSource dataSource, ConsistencyScope scope, Duration staleness,
                             String resumed) {
        ResumedScope unit = new ResumedScope(dataSource, innermost(), scope, staleness, resumed);
        TOP.set(unit);
        return unit;
    }

    /**
     * Opens a unit for an annotated method: {@code level} (or the enclosing scope's level when {@code null}) and
     * {@code staleness} (or the enclosing unit's when {@code null}), starting from the enclosing scope's position.
     */
    static ResumedScope enter(RoutingDataSource dataSource, Consistency level, Duration staleness) {
        Consistency effective = level;
        String from = null;
        // Without an open scope this yields a scope that is open nowhere, with the data source's default level.
        try (ConsistencyScope enclosing = dataSource.currentScope().continueHere()) {
            if (effective == null) {
                effective = enclosing.level();
            }
            if (effective != Consistency.EVENTUAL && enclosing.hasWrites()) {
                from = enclosing.token();
            }
        } catch (SQLException e) {
            log.warn("the enclosing consistency scope's position is unknown (the primary did not answer: {});"
                    + " the method's scope starts without it", e.getMessage());
        }
        Duration budget = staleness;
        ResumedScope enclosingUnit = innermost();
        if (budget == null && enclosingUnit != null && enclosingUnit.dataSource == dataSource) {
            budget = enclosingUnit.staleness;
        }
        ConsistencyScope scope = from != null ? dataSource.resumeScope(from, effective)
                : dataSource.openScope(effective);
        try {
            if (budget != null) {
                scope.maxStaleness(budget);
            }
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
        return push(dataSource, scope, budget, from);
    }

    /** The innermost unit open on this thread (units closed elsewhere are skipped), or {@code null}. */
    static ResumedScope innermost() {
        ResumedScope unit = TOP.get();
        while (unit != null && unit.closed) {
            unit = unit.parent;
        }
        return unit;
    }

    /**
     * The token to hand on when this unit wrote (or adopted) something beyond the token it started from, else
     * {@code null}: what a web response sends back. Resolving a write costs one round trip to the primary; when the
     * primary does not answer, the result is {@code null} (logged). May be called from any thread, also after
     * {@link #close()}.
     */
    public String advancedToken() {
        ConsistencyScope s = scope;
        if (!s.hasWrites()) {
            return null;
        }
        String token = export(s);
        return token == null || token.equals(resumed) ? null : token;
    }

    /**
     * The token of this unit's position now (to put into a message or job payload), {@code null} when it carries no
     * position. Like {@link #advancedToken()}, never throws.
     */
    public String token() {
        ConsistencyScope s = scope;
        return s.hasWrites() ? export(s) : null;
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
     * returned unit is closed there: the same router scope, shared, and the same starting token.
     */
    public ResumedScope continueHere() {
        return push(dataSource, scope.capture().continueHere(), staleness, resumed);
    }

    /** The enclosing unit continues from {@code token}: an inner unit's position after it wrote. */
    private void absorb(String token) {
        if (closed) {
            return;
        }
        ConsistencyScope current = scope;
        ConsistencyScope next = dataSource.resumeScope(token, current.level());
        if (staleness != null) {
            next.maxStaleness(staleness);
        }
        earlier.add(current);
        scope = next;
    }

    /**
     * Ends the unit on this thread: closes its router scopes and, when it wrote, lets the enclosing unit continue
     * from its position. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        String handOn = null;
        ResumedScope to = parent;
        while (to != null && to.closed) {
            to = to.parent;
        }
        if (to != null && to.dataSource == dataSource && TOP.get() == this) {
            handOn = advancedToken();
        }
        closed = true;
        scope.close();
        for (int i = earlier.size() - 1; i >= 0; i--) {
            earlier.get(i).close();
        }
        if (TOP.get() == this) {
            if (to == null) {
                TOP.remove();
            } else {
                TOP.set(to);
            }
        } else {
            log.warn("a consistency unit was closed out of order or on another thread than it was opened on");
        }
        if (handOn != null) {
            try {
                to.absorb(handOn);
            } catch (RuntimeException e) {
                log.warn("the enclosing consistency scope could not take over the writes of an inner one: {}",
                        e.getMessage());
            }
        }
    }
}
