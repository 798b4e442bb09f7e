package io.replicarouter;

import java.sql.SQLException;
import java.util.List;

/**
 * Several listeners as one ({@link RoutingListener#composite}): every event goes to each, in order; each is
 * guarded on its own, so one that throws does not keep the event from the others.
 */
final class CompositeListener implements RoutingListener {

    private final RoutingListener[] listeners;

    CompositeListener(List<RoutingListener> listeners) {
        this.listeners = listeners.stream().map(l -> l instanceof GuardedListener ? l : new GuardedListener(l))
                .toArray(RoutingListener[]::new);
    }

    @Override
    public String toString() {
        return "composite" + java.util.Arrays.toString(listeners);
    }

    @Override
    public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                         int attempt) {
        for (RoutingListener l : listeners) {
            l.executed(node, reason, write, elapsedNanos, sqlState, attempt);
        }
    }

    @Override
    public void retried(String failedNode, String nextNode, SQLException cause) {
        for (RoutingListener l : listeners) {
            l.retried(failedNode, nextNode, cause);
        }
    }

    @Override
    public void nodeDown(String node, SQLException cause) {
        for (RoutingListener l : listeners) {
            l.nodeDown(node, cause);
        }
    }

    @Override
    public void nodeUnreachable(String node, ProbeFailure failure, String detail, int abortedConnections) {
        for (RoutingListener l : listeners) {
            l.nodeUnreachable(node, failure, detail, abortedConnections);
        }
    }

    @Override
    public void poolExhausted(String node) {
        for (RoutingListener l : listeners) {
            l.poolExhausted(node);
        }
    }

    @Override
    public void nodeUp(String node) {
        for (RoutingListener l : listeners) {
            l.nodeUp(node);
        }
    }

    @Override
    public void replicaEjected(String node, EjectionCause cause, String detail) {
        for (RoutingListener l : listeners) {
            l.replicaEjected(node, cause, detail);
        }
    }

    @Override
    public void replicaReadmitted(String node) {
        for (RoutingListener l : listeners) {
            l.replicaReadmitted(node);
        }
    }

    @Override
    public void primaryChanged(String oldPrimary, String newPrimary) {
        for (RoutingListener l : listeners) {
            l.primaryChanged(oldPrimary, newPrimary);
        }
    }

    @Override
    public void nodeFenced(String node, FenceCause cause, String detail) {
        for (RoutingListener l : listeners) {
            l.nodeFenced(node, cause, detail);
        }
    }

    @Override
    public void nodeDrained(String node, boolean drained) {
        for (RoutingListener l : listeners) {
            l.nodeDrained(node, drained);
        }
    }

    @Override
    public void consistencyWait(String node, long waitedNanos, boolean satisfied) {
        for (RoutingListener l : listeners) {
            l.consistencyWait(node, waitedNanos, satisfied);
        }
    }

    @Override
    public void tokenIgnored(TokenProblem problem, String detail) {
        for (RoutingListener l : listeners) {
            l.tokenIgnored(problem, detail);
        }
    }
}
