package io.replicarouter.internal.topology;

import java.sql.SQLTransientConnectionException;

/**
 * A node's pool had no free connection within its timeout: the node is busy, not down. It is never marked down
 * for this; a read may go to another eligible replica instead. Keeps the pool's SQLState (none for HikariCP)
 * and the pool's exception as its cause.
 */
public final class PoolExhausted extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    private final String node;

    public PoolExhausted(String node, String state, SQLTransientConnectionException cause) {
        super("[" + node + "] pool exhausted (" + state + "): " + cause.getMessage(), cause.getSQLState(),
                cause.getErrorCode(), cause);
        this.node = node;
    }

    /** The node whose pool was exhausted. */
    public String node() {
        return node;
    }
}
