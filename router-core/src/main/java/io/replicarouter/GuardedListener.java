package io.replicarouter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/** Keeps a faulty listener from breaking JDBC calls: its exceptions are logged and swallowed. */
final class GuardedListener implements RoutingListener {

    private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

    private final RoutingListener delegate;

    GuardedListener(RoutingListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                         int attempt) {
        try {
            delegate.executed(node, reason, write, elapsedNanos, sqlState, attempt);
        } catch (RuntimeException e) {
            log.warn("routing listener {} failed on executed: {}", delegate, e.toString());
        }
    }

    @Override
    public void retried(String failedNode, String nextNode, SQLException cause) {
        try {
            delegate.retried(failedNode, nextNode, cause);
        } catch (RuntimeException e) {
            log.warn("routing listener {} failed on retried: {}", delegate, e.toString());
        }
    }

    @Override
    public void nodeDown(String node, SQLException cause) {
        try {
            delegate.nodeDown(node, cause);
        } catch (RuntimeException e) {
            log.warn("routing listener {} failed on nodeDown: {}", delegate, e.toString());
        }
    }

    @Override
    public void nodeUp(String node) {
        try {
            delegate.nodeUp(node);
        } catch (RuntimeException e) {
            log.warn("routing listener {} failed on nodeUp: {}", delegate, e.toString());
        }
    }

    @Override
    public void replicaEjected(String node, EjectionCause cause, String detail) {
        guard("replicaEjected", () -> delegate.replicaEjected(node, cause, detail));
    }

    @Override
    public void replicaReadmitted(String node) {
        guard("replicaReadmitted", () -> delegate.replicaReadmitted(node));
    }

    @Override
    public void nodeDrained(String node, boolean drained) {
        guard("nodeDrained", () -> delegate.nodeDrained(node, drained));
    }

    @Override
    public void primaryChanged(String oldPrimary, String newPrimary) {
        guard("primaryChanged", () -> delegate.primaryChanged(oldPrimary, newPrimary));
    }

    @Override
    public void nodeFenced(String node, FenceCause cause, String detail) {
        guard("nodeFenced", () -> delegate.nodeFenced(node, cause, detail));
    }

    @Override
    public void consistencyWait(String node, long waitedNanos, boolean satisfied) {
        guard("consistencyWait", () -> delegate.consistencyWait(node, waitedNanos, satisfied));
    }

    @Override
    public void tokenIgnored(TokenProblem problem, String detail) {
        guard("tokenIgnored", () -> delegate.tokenIgnored(problem, detail));
    }

    private void guard(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("routing listener {} failed on {}: {}", delegate, event, e.toString());
        }
    }

    @Override
    public void nodeUnreachable(String node, ProbeFailure failure, String detail, int abortedConnections) {
        try {
            delegate.nodeUnreachable(node, failure, detail, abortedConnections);
        } catch (RuntimeException e) {
            log.warn("routing listener {} failed on nodeUnreachable: {}", delegate, e.toString());
        }
    }

    @Override
    public void poolExhausted(String node) {
        try {
            delegate.poolExhausted(node);
        } catch (RuntimeException e) {
            log.warn("routing listener {} failed on poolExhausted: {}", delegate, e.toString());
        }
    }
}
