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
    private final NodeRole role;
    private final DataSource pool;
    private final int weight;
    private final NodeHealth health;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile long latencyNanos;

    public Node(int index, String name, NodeRole role, DataSource pool, int weight, NodeHealth health) {
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
        outstanding.incrementAndGet();
        return c;
    }

    /** Returns a physical connection borrowed with {@link #borrow()}. */
    public void giveBack(Connection c) throws SQLException {
        try {
            c.close();
        } finally {
            outstanding.decrementAndGet();
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
