package io.replicarouter;

import java.sql.SQLException;

/**
 * Observes the router. Every method has a no-op default, so an implementation overrides only what it needs.
 * Methods run on the application's thread inside JDBC calls: keep them fast and never throw (an exception
 * from a listener is logged and swallowed).
 */
public interface RoutingListener {

    /** A listener that does nothing. */
    RoutingListener NONE = new RoutingListener() {
    };

    /**
     * One listener that passes every event to each of {@code listeners}, in order (e.g. a metrics binder and an
     * application's own). Each is guarded on its own: one that throws is logged and the others still hear the
     * event. {@link #NONE} members are left out; with none left the result is {@link #NONE}.
     *
     * @throws IllegalArgumentException when a listener is null
     */
    static RoutingListener composite(RoutingListener... listeners) {
        java.util.List<RoutingListener> members = new java.util.ArrayList<>();
        for (RoutingListener l : listeners) {
            if (l == null) {
                throw new IllegalArgumentException("composite: a listener is null (use RoutingListener.NONE)");
            }
            if (l != NONE) {
                members.add(l);
            }
        }
        return members.isEmpty() ? NONE : members.size() == 1 ? members.get(0) : new CompositeListener(members);
    }

    /**
     * A statement ran on {@code node}: fired once per attempt, after it (a read retried elsewhere fires once for
     * the failed attempt and once for the next), never for a statement that was not sent. Only primitives and
     * constants, so a metrics binder can record it without allocating, and nothing is measured or built when no
     * listener is set.
     *
     * @param node         where it ran (or was to run, when borrowing its connection failed)
     * @param reason       why it went there ({@link RouteReason#RETRY} for a retried read's later attempts)
     * @param write        whether the statement was anything but a recognised read
     * @param elapsedNanos how long the attempt took, borrowing the connection included
     * @param sqlState     {@code null} when it succeeded; else the failure's SQLState, or "" when it has none
     * @param attempt      1 for the first attempt, 2 and 3 for retries
     */
    default void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                          int attempt) {
    }

    /** A read failed on {@code failedNode} before returning rows and is retried on {@code nextNode}. */
    default void retried(String failedNode, String nextNode, SQLException cause) {
    }

    /** A node failed (connection error) and gets no traffic until its cool-down has passed. */
    default void nodeDown(String node, SQLException cause) {
    }

    /**
     * The monitor's probe of {@code node} failed. When the node stopped answering ({@link ProbeFailure#NO_ANSWER}),
     * its open connections were aborted so that statements blocked on it fail now: {@code abortedConnections} says
     * how many. Fires on the first failed probe and on every later one that aborted connections.
     *
     * @param failure            no answer, or an error the server sent back: a bounded tag for metrics
     * @param detail             the driver's message, or "probe timed out": for people, not for tags
     * @param abortedConnections how many of its open connections were aborted (0 for a server error)
     */
    default void nodeUnreachable(String node, ProbeFailure failure, String detail, int abortedConnections) {
    }

    /**
     * The pool of {@code node} had no free connection within its timeout: the node is busy (saturated), not
     * down, and is not marked down; a read may go to another eligible replica.
     */
    default void poolExhausted(String node) {
    }

    /** A node marked down answered again. */
    default void nodeUp(String node) {
    }

    /**
     * The topology monitor took a replica out of rotation.
     *
     * @param cause  lag over a limit, unreachable, or fenced: a bounded tag for metrics
     * @param detail the figures ("lag 1250 ms / 4096 bytes") or the probe's error: for people, not for tags
     */
    default void replicaEjected(String node, EjectionCause cause, String detail) {
    }

    /** A replica is back in rotation (with a slow start). */
    default void replicaReadmitted(String node) {
    }

    /** The primary changed: {@code oldPrimary} or {@code newPrimary} is {@code null} when there was or is none. */
    default void primaryChanged(String oldPrimary, String newPrimary) {
    }

    /**
     * A node gets no traffic at all: it claims to be primary and lost (lower timeline), belongs to another cluster,
     * or is configured as the primary but is a standby. Told once per change.
     *
     * @param cause  a bounded tag for metrics
     * @param detail the timelines or system identifiers: for people, not for tags
     */
    default void nodeFenced(String node, FenceCause cause, String detail) {
    }

    /**
     * An administrator drained ({@code drained} true) or undrained a node with {@link RoutingDataSource#drain} /
     * {@link RoutingDataSource#undrain}; told only when the flag changed.
     */
    default void nodeDrained(String node, boolean drained) {
    }

    /** A read waited for a replica to replay the scope's writes; {@code satisfied} is false when it gave up. */
    default void consistencyWait(String node, long waitedNanos, boolean satisfied) {
    }

    /**
     * A consistency token (or a {@link RoutingDataSource#resumeAt(long) resumeAt} position) was ignored; reads are
     * not affected. Told for every one (the log is rate-limited).
     *
     * @param problem malformed, unsigned, another cluster's, beyond the primary, ...: a bounded tag for metrics
     * @param detail  what was wrong with it, positions included: for people, not for tags
     */
    default void tokenIgnored(TokenProblem problem, String detail) {
    }
}
