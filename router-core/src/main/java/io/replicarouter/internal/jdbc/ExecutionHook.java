package io.replicarouter.internal.jdbc;

import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.internal.topology.Node;

import java.sql.SQLException;

/**
 * What a generated callable statement ({@link LogicalCallableStatement}) does after each {@code execute*}: tells
 * the listener of one {@link RoutingListener#executed} attempt. There is no hook ({@code null}) when no listener
 * is set, so nothing is timed or built, as for {@link LogicalStatement}.
 */
@FunctionalInterface
interface ExecutionHook {

    /**
     * An execution that started at {@code startNanos} ({@link System#nanoTime()}) ended.
     *
     * @param failure the driver's error, {@code null} when it succeeded
     */
    void executed(long startNanos, SQLException failure);

    /**
     * The hook of a callable statement bound to {@code node} when it was prepared, for {@code reason}: each
     * execution is reported as a write (a procedure may write anything) and a first attempt (never retried).
     *
     * @return {@code null} when {@code listener} is {@link RoutingListener#NONE}
     */
    static ExecutionHook reporting(RoutingListener listener, Node node, RouteReason reason) {
        if (listener == RoutingListener.NONE) {
            return null;
        }
        String name = node.name();
        return (start, failure) -> listener.executed(name, reason, true, System.nanoTime() - start,
                failure == null ? null : failure.getSQLState() == null ? "" : failure.getSQLState(), 1);
    }
}
