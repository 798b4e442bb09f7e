package io.replicarouter.internal.jdbc;

import io.replicarouter.internal.consistency.ReadChoice;
import io.replicarouter.internal.consistency.ReadSession;
import io.replicarouter.internal.consistency.ScopeState;
import io.replicarouter.internal.consistency.ScopedReads;
import io.replicarouter.internal.postgres.ServerQueries;
import io.replicarouter.internal.sql.Classification;
import io.replicarouter.internal.topology.Node;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A logical connection as {@link ScopedReads} sees it (the algorithm lives in the {@code consistency} package, the
 * data source's side in {@link ClusterReads}): its scope and stickiness, and the two position questions asked on
 * the connection's own physical connections.
 */
final class ConsistentReads implements ReadSession<Node> {

    private final LogicalConnection conn;

    ConsistentReads(LogicalConnection conn) {
        this.conn = conn;
    }

    /** A replica for a read (autocommit or the first statement of a read-only transaction), or the fallback. */
    ReadChoice<Node> route(Classification c) throws SQLException {
        return conn.context().reads().route(this, c.hint().maxStaleness());
    }

    @Override
    public ScopeState scope() {
        return conn.scope(false);
    }

    @Override
    public boolean autoCommit() {
        return conn.autoCommit();
    }

    @Override
    public boolean opaqueWrites() {
        return conn.opaqueWrites();
    }

    @Override
    public Node lastReplica() {
        return conn.lastReplica();
    }

    @Override
    public void lastReplica(Node replica) {
        conn.lastReplica(replica);
    }

    @Override
    public long askPrimaryLsn() throws SQLException {
        return ServerQueries.currentWalLsn(conn.physical(conn.context().router().primary()));
    }

    /** On the logical connection's own connection to the replica; a failure releases it (a connection failure marks it down). */
    @Override
    public long askReplayLsn(Node replica) {
        try {
            Connection c = conn.physical(replica);
            long lsn = ServerQueries.lastReplayLsn(c);
            replica.observeReplay(lsn, System.nanoTime());
            return lsn;
        } catch (SQLException e) {
            conn.brokenOutsideStatement(replica, e);
            return 0;
        }
    }
}
