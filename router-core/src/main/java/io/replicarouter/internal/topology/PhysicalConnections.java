package io.replicarouter.internal.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The driver connections of one node that are open now, so that the monitor can abort them all when the node
 * stops answering: a statement blocked on a hung server (a frozen process, a network partition) then fails at
 * once with an I/O error instead of waiting for TCP to give up, and the router can retry it elsewhere.
 *
 * <p>For the pools the router creates, connections are recorded when the pool <em>opens</em> them (see
 * {@link RecordingDataSource}), which costs nothing per borrow. For a DataSource the application passed in,
 * the router cannot see the pool open connections: each borrowed one is unwrapped to the driver's connection
 * underneath (HikariCP's proxy is new per borrow, the driver's connection is not) and recorded the first time
 * it is seen — a lock-free lookup per borrow, no write. Thread-safe.
 */
public final class PhysicalConnections {

    /** Runs {@link Connection#abort} at once: pgjdbc's abort only closes the socket. */
    private static final Executor DIRECT = Runnable::run;

    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    /** System.nanoTime() of the last failure to open a connection (pools the router made), or 0. */
    private volatile long lastOpenFailure;

    /** Records a connection (a pool opened it, or the application borrowed it). */
    public void add(Connection c) {
        open.add(c);
        if (open.size() > 64) {
            prune();
        }
    }

    /** The pool failed to open a connection (the driver could not connect or log in). */
    public void openFailed(long nanoTime) {
        lastOpenFailure = nanoTime == 0 ? 1 : nanoTime;
    }

    /** Whether opening a connection failed within the last {@code nanos} (0 = never recorded). */
    public boolean openFailedWithin(long nanos, long now) {
        long last = lastOpenFailure;
        return last != 0 && now - last <= nanos;
    }

    /**
     * Records the driver connection under a connection borrowed from a pool the router did not make, if it is
     * not known yet.
     */
    public void track(Connection borrowed) {
        Connection raw;
        try {
            raw = borrowed.unwrap(Connection.class);
        } catch (SQLException | RuntimeException e) {
            raw = borrowed;
        }
        if (!open.contains(raw)) {
            add(raw);
        }
    }

    private void prune() {
        open.removeIf(PhysicalConnections::closed);
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Aborts every recorded connection (idle in the pool or in use): their sockets close, statements blocked on
     * them fail with a connection error, and the pool discards them.
     *
     * @return how many were aborted
     */
    public int abortAll() {
        int aborted = 0;
        for (Connection c : open) {
            open.remove(c);
            if (closed(c)) {
                continue;
            }
            try {
                c.abort(DIRECT);
                aborted++;
            } catch (SQLException | RuntimeException ignored) {
                // closed meanwhile, or a driver without abort: the monitor's ejection still stands
            }
        }
        return aborted;
    }
}
