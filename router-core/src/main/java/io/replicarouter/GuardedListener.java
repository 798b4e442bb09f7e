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
    public void routed(String node, RouteReason reason) {
        try {
            delegate.routed(node, reason);
        } catch (RuntimeException e) {
            log.warn("routing listener {} failed on routed: {}", delegate, e.toString());
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
}
