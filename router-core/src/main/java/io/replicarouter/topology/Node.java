package io.replicarouter.topology;

import io.replicarouter.balance.Candidate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
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
    private volatile boolean trackLoad;
    private volatile long latencyNanos;
    private final Endpoint endpoint;

    // Replication state, published by the topology monitor (and by read-your-writes verifications).
    private volatile long replayLsn;
    private volatile long replaySampledAt;
    private volatile long lagNanos;
    private volatile long lagBytes;
    private volatile boolean eligible = true;
    private volatile boolean fenced;

    /** How the monitor opens its own connection to this node (never from the application's pool). */
    @FunctionalInterface
    public interface Endpoint {
        Connection open() throws SQLException;
    }

    public Node(int index, String name, NodeRole role, DataSource pool, int weight, NodeHealth health,
                Endpoint endpoint) {
        this.endpoint = endpoint;
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

    public void role(NodeRole role) {
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
    public void resetReplay() {
        replayLsn = 0;
        replaySampledAt = 0;
    }

    public long lagNanos() {
        return lagNanos;
    }

    public long lagBytes() {
        return lagBytes;
    }

    public void lag(long nanos, long bytes) {
        this.lagNanos = nanos;
        this.lagBytes = bytes;
    }

    /** Whether the monitor lets this replica serve reads (lag within limits, reachable). */
    public boolean eligible() {
        return eligible;
    }

    public void eligible(boolean eligible) {
        this.eligible = eligible;
    }

    /** A second primary that lost to the one on the higher timeline: gets no traffic at all. */
    public boolean fenced() {
        return fenced;
    }

    public void fenced(boolean fenced) {
        this.fenced = fenced;
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
     * Counts borrowed connections only when the balancer reads them (least-outstanding, power-of-two-choices,
     * a custom one): the shared counter is contended by every thread, a cost the other balancers need not pay.
     */
    public void trackLoad(boolean track) {
        this.trackLoad = track;
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
     * Borrows a physical connection. A failure marks the node down (it was unreachable) and is rethrown.
     */
    public Connection borrow() throws SQLException {
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            health.markDown(e);
            throw e;
        }
        if (trackLoad) {
            outstanding.incrementAndGet();
        }
        return c;
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
