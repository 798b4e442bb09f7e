package io.replicarouter.internal.topology;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * Whether a node is believed reachable. A connection failure marks it down for a cool-down period, after
 * which it is tried again by the next statement that would use it (passive detection; the topology
 * monitor adds active probes). Thread-safe; reads are a volatile load.
 */
public final class NodeHealth {

    /** Told when a node goes down or comes back. */
    public interface Observer {
        void down(SQLException cause);

        void up();
    }

    private final LongSupplier nanoClock;
    private final long coolDownNanos;
    private final Observer observer;
    private volatile long downUntil;
    private volatile boolean down;
    private volatile boolean closed;
    private volatile String lastError;

    public NodeHealth(LongSupplier nanoClock, long coolDownNanos, Observer observer) {
        this.nanoClock = nanoClock;
        this.coolDownNanos = coolDownNanos;
        this.observer = observer;
    }

    /** Whether the node may be used: never marked down, or its cool-down has passed. */
    public boolean isUp() {
        return !down || nanoClock.getAsLong() - downUntil >= 0;
    }

    /** The message of the failure that last marked the node down, {@code null} when none did. */
    public String lastError() {
        return lastError;
    }

    /** The data source is closing: errors from its closing pools say nothing about the node. */
    public void close() {
        closed = true;
    }

    public void markDown(SQLException cause) {
        if (closed) {
            return;
        }
        downUntil = nanoClock.getAsLong() + coolDownNanos;
        lastError = String.valueOf(cause.getMessage());
        if (!down) {
            down = true;
            observer.down(cause);
        }
    }

    /** A statement succeeded on the node. */
    public void markUp() {
        if (down) {
            down = false;
            observer.up();
        }
    }
}
