package io.replicarouter.jdbc;

import io.replicarouter.Consistency;
import io.replicarouter.RoutingListener;
import io.replicarouter.TokenProblem;
import io.replicarouter.consistency.Lsns;
import io.replicarouter.consistency.NanoClock;
import io.replicarouter.consistency.PrimaryPosition;
import io.replicarouter.consistency.ReadChoice;
import io.replicarouter.consistency.ReadContext;
import io.replicarouter.consistency.ScopeState;
import io.replicarouter.consistency.ScopedReads;
import io.replicarouter.routing.ReadRequirement;
import io.replicarouter.sql.Classification;
import io.replicarouter.topology.Node;
import io.replicarouter.NodeRole;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A logical connection as {@link ScopedReads} sees it (the algorithm lives in the {@code consistency} package):
 * its scope and stickiness, the router's choices, and the two position questions asked on the connection's own
 * physical connections.
 */
final class ConsistentReads implements ReadContext<Node> {

    private static final ScopedReads<Node> READS = new ScopedReads<>(NanoClock.SYSTEM);

    private final LogicalConnection conn;
    private final RoutingContext ctx;

    ConsistentReads(LogicalConnection conn) {
        this.conn = conn;
        this.ctx = conn.context();
    }

    /** A replica for a read (autocommit or the first statement of a read-only transaction), or the fallback. */
    ReadChoice<Node> route(Classification c) throws SQLException {
        return READS.route(this, c.hint().maxStaleness());
    }

    @Override
    public ScopeState scope() {
        return conn.scope(false);
    }

    @Override
    public Consistency defaultLevel() {
        return ctx.consistency();
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
    public Node chooseReplica(Node preferred, ReadRequirement requirement) {
        return ctx.router().chooseReplica(preferred, null, requirement);
    }

    @Override
    public List<Node> replicas() {
        return ctx.router().topology().replicas();
    }

    @Override
    public boolean isReplica(Node node) {
        return node.role() == NodeRole.REPLICA;
    }

    @Override
    public boolean isUp(Node replica) {
        return replica.health().isUp();
    }

    @Override
    public long lagNanos(Node replica) {
        return replica.lagNanos();
    }

    @Override
    public long knownReplayLsn(Node replica) {
        return replica.replayLsn();
    }

    @Override
    public long replaySampledAt(Node replica) {
        return replica.replaySampledAt();
    }

    @Override
    public Node primary() throws SQLException {
        return ctx.router().primary();
    }

    @Override
    public Node fallback() throws SQLException {
        return conn.fallback();
    }

    @Override
    public long askPrimaryLsn() throws SQLException {
        Connection c = conn.physical(ctx.router().primary());
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsns.parse(rs.getString(1));
        }
    }

    /** On the logical connection's own connection to the replica; a failure releases it (a connection failure marks it down). */
    @Override
    public long askReplayLsn(Node replica) {
        try {
            Connection c = conn.physical(replica);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
                rs.next();
                String text = rs.getString(1);
                long lsn = text == null ? 0 : Lsns.parse(text);
                replica.observeReplay(lsn, System.nanoTime());
                return lsn;
            }
        } catch (SQLException e) {
            conn.brokenOutsideStatement(replica, e);
            return 0;
        }
    }

    @Override
    public long maxWaitNanos() {
        return ctx.maxWaitNanos();
    }

    @Override
    public PrimaryPosition primaryPosition() {
        return ctx.primaryPosition();
    }

    @Override
    public void tokenIgnored(TokenProblem problem, String detail) {
        ctx.ignoredTokens().report(problem, detail);
    }

    @Override
    public void waited(Node replica, long waitedNanos, boolean satisfied) {
        RoutingListener listener = ctx.listener();
        if (listener != RoutingListener.NONE) {
            listener.consistencyWait(replica == null ? null : replica.name(), waitedNanos, satisfied);
        }
    }
}
