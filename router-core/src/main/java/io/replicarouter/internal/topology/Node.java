package io.replicarouter.internal.topology;

import io.replicarouter.NodeRole;
import io.replicarouter.balance.Candidate;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One database server as the router uses it: its pool, role and the figures the balancers read. Internal:
 * applications see nodes only by name (in events and errors).
 */
public final class Node implements Candidate {

    private final int index;
    private final String name;
    private volatile NodeRole role;
    private final DataSource pool;
    private final int weight;
    private final NodeHealth health;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final boolean trackLoad;
    private volatile long latencyNanos;
    private final Endpoint endpoint;
    private final PhysicalConnections connections;
    /** Whether {@link #connections} is fed by the pool when it opens connections (else: per borrow). */
    private final boolean recordedAtOpen;

    // What the monitor knows of reachability: null while the node answers its probes.
    private volatile Unreachable unreachable;
    /** Counts the times the monitor aborted this node's connections (read by statements that fail). */
    private volatile int abortEpoch;
    private volatile String abortReason;

    // Replication state, published by the topology monitor (and by read-your-writes verifications).
    private volatile long replayLsn;
    private volatile long replaySampledAt;
    private volatile long lagNanos;
    private volatile long lagBytes;

    /** How the monitor opens its own connection to this node (never from the application's pool). */
    @FunctionalInterface
    public interface Endpoint {
        Connection open() throws SQLException;
    }

    /**
     * Why the monitor believes a node unreachable.
     *
     * @param error what the last probe got (driver message, never credentials), or "probe timed out"
     * @param since System.nanoTime() of the first failed probe in this run of failures
     * @param hung  whether the probe timed out or lost its connection (the node may hold statements forever),
     *              rather than being refused (closed port, wrong password, unknown host)
     */
    public record Unreachable(String error, long since, boolean hung) {
    }

    /**
     * @param connections    the registry the monitor aborts when the node hangs
     * @param recordedAtOpen whether the pool records its connections in {@code connections} when it opens them
     *                       (a pool the router made over a {@link RecordingDataSource}); else they are recorded
     *                       while borrowed
     */
    public Node(int index, String name, NodeRole role, DataSource pool, int weight, NodeHealth health,
                Endpoint endpoint, PhysicalConnections connections, boolean recordedAtOpen, boolean trackLoad) {
        this.endpoint = endpoint;
        this.trackLoad = trackLoad;
        this.connections = Objects.requireNonNull(connections, "connections");
        this.recordedAtOpen = recordedAtOpen;
        this.index = index;
        this.name = Objects.requireNonNull(name, "name");
        this.role = Objects.requireNonNull(role, "role");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.weight = weight;
        this.health = Objects.requireNonNull(health, "health");
    }

    /** Position in the router's node list (0 = the configured primary); indexes per-connection arrays. */
    public int index() {
        return index;
    }

    @Override
    public String name() {
        return name;
    }

    public NodeRole role() {
        return role;
    }

    void role(NodeRole role) {
        this.role = role;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** The highest replay position known for this replica (unsigned LSN), or 0 when unknown. */
    public long replayLsn() {
        return replayLsn;
    }

    /** When (System.nanoTime) {@link #replayLsn()} was last confirmed. */
    public long replaySampledAt() {
        return replaySampledAt;
    }

    /** Raises the known replay position (never lowers it: a replica's replay only moves forward). */
    public void observeReplay(long lsn, long sampledAt) {
        if (Long.compareUnsigned(lsn, replayLsn) > 0) {
            replayLsn = lsn;
        }
        replaySampledAt = sampledAt;
    }

    /** Forgets the replay position (a new timeline after a failover). */
    void resetReplay() {
        replayLsn = 0;
        replaySampledAt = 0;
    }

    public long lagNanos() {
        return lagNanos;
    }

    public long lagBytes() {
        return lagBytes;
    }

    void lag(long nanos, long bytes) {
        this.lagNanos = nanos;
        this.lagBytes = bytes;
    }

    public DataSource pool() {
        return pool;
    }

    @Override
    public int weight() {
        return weight;
    }

    public NodeHealth health() {
        return health;
    }

    /**
     * Whether {@link #outstanding()} is counted: only when the balancer reads it (least-outstanding,
     * power-of-two-choices, a custom one), since the shared counter is contended by every thread, a cost the other
     * balancers need not pay.
     */
    public boolean tracksLoad() {
        return trackLoad;
    }

    /** Borrowed connections now; 0 when load is not tracked (see {@link #trackLoad}). */
    @Override
    public int outstanding() {
        return outstanding.get();
    }

    @Override
    public long latencyNanos() {
        return latencyNanos;
    }

    /**
     * Borrows a physical connection.
     *
     * @throws SQLNonTransientConnectionException at once (SQLState 08001) when the monitor knows the node does
     *                                            not answer, with what its last probe got
     * @throws PoolExhausted                      when the pool had no free connection within its timeout: the
     *                                            node is busy, not down, and is not marked down
     * @throws SQLException                       any other failure to connect, which marks the node down
     */
    public Connection borrow() throws SQLException {
        Unreachable u = unreachable;
        if (u != null) {
            throw new SQLNonTransientConnectionException("[" + name + "] does not answer ("
                    + u.error() + ", for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - u.since())
                    + " ms): the statement was not sent", "08001");
        }
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            String busy = saturation(e);
            if (busy != null) {
                throw new PoolExhausted(name, busy, (SQLTransientConnectionException) e);
            }
            health.markDown(e);
            throw e;
        }
        if (!recordedAtOpen) {
            connections.track(c);
        }
        if (trackLoad) {
            outstanding.incrementAndGet();
        }
        return c;
    }

    /**
     * Whether a failed borrow was the pool's wait timing out with every connection in use (a busy node), and if
     * so a description of the pool's state; {@code null} for a real connection failure.
     */
    private String saturation(SQLException e) {
        if (!(e instanceof SQLTransientConnectionException)) {
            return null;
        }
        if (pool instanceof HikariDataSource h) {
            if (recordedAtOpen) {
                // Our pool: a timeout during which no attempt to open a connection failed was a wait for a busy
                // pool (the pool's own numbers, read now, may already show a connection given back).
                long window = TimeUnit.MILLISECONDS.toNanos(h.getConnectionTimeout()) + TimeUnit.SECONDS.toNanos(1);
                return connections.openFailedWithin(window, System.nanoTime()) ? null
                        : "all " + h.getMaximumPoolSize() + " connections in use";
            }
            HikariPoolMXBean mx = h.getHikariPoolMXBean();
            if (e.getCause() == null || mx != null && mx.getTotalConnections() > 0
                    && mx.getActiveConnections() >= mx.getTotalConnections()) {
                return "all " + h.getMaximumPoolSize() + " connections in use";
            }
            return null;
        }
        // Another pool: a transient timeout without a connection error behind it.
        return e.getSQLState() == null && e.getCause() == null ? "the pool had no free connection" : null;
    }

    /** Returns a physical connection borrowed with {@link #borrow()}. */
    public void giveBack(Connection c) throws SQLException {
        try {
            c.close();
        } finally {
            if (trackLoad) {
                outstanding.decrementAndGet();
            }
        }
    }

    /** What the monitor knows: {@code null} while the node answers its probes. */
    public Unreachable unreachable() {
        return unreachable;
    }

    /** The monitor's verdict of its last probe ({@code null}: it answered). */
    void unreachable(Unreachable verdict) {
        this.unreachable = verdict;
    }

    /**
     * Aborts every open connection of this node (the monitor found it hung): statements blocked on it fail with
     * an I/O error at once. Statements that fail afterwards can tell by {@link #abortEpoch()}.
     *
     * @return how many connections were aborted
     */
    public int abortConnections(String why) {
        abortReason = why;
        abortEpoch++; // only the monitor thread writes it
        return connections.abortAll();
    }

    /** Changes each time {@link #abortConnections} runs: a statement compares it before and after it ran. */
    public int abortEpoch() {
        return abortEpoch;
    }

    /** Why the connections were last aborted, or {@code null}. */
    public String abortReason() {
        return abortReason;
    }

    /** Folds one observed statement time into the latency average (weight 1/8, as TCP's SRTT). */
    public void recordLatency(long nanos) {
        long old = latencyNanos;
        latencyNanos = old == 0 ? nanos : old + ((nanos - old) >> 3);
    }

    @Override
    public String toString() {
        return name;
    }
}
