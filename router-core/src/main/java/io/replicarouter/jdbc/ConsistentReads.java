package io.replicarouter.jdbc;

import io.replicarouter.Consistency;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.consistency.Lsns;
import io.replicarouter.consistency.PrimaryPosition;
import io.replicarouter.consistency.ScopeState;
import io.replicarouter.jdbc.LogicalConnection.Binding;
import io.replicarouter.routing.ReadRequirement;
import io.replicarouter.routing.Router;
import io.replicarouter.sql.Classification;
import io.replicarouter.topology.Node;
import io.replicarouter.NodeRole;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a read of a logical connection runs under its consistency level: which replicas qualify (the scope's
 * write position, monotonic progress, a staleness budget), asking replicas directly when the monitor's sample
 * predates the write, a bounded wait, and the fallback to the primary.
 */
final class ConsistentReads {

    private ConsistentReads() {
    }

    /** A replica for a read (autocommit or the first statement of a read-only transaction), or the fallback. */
    static Binding route(LogicalConnection conn, Classification c) throws SQLException {
        RoutingContext ctx = conn.context();
        Router router = ctx.router();
        ScopeState scope = conn.scope(false);
        Consistency level = scope != null ? scope.level() : ctx.consistency();
        if (level == Consistency.STRONG) {
            return new Binding(router.primary(), RouteReason.STRONG, false, ReadRequirement.NONE);
        }
        boolean monotonic = scope != null && level == Consistency.MONOTONIC;
        Node last = monotonic ? (Node) scope.lastReadNode() : null;
        Node preferred = monotonic ? (last != null && last.role() == NodeRole.REPLICA ? last : null)
                : (conn.autoCommit() ? conn.lastReplica() : null);
        ReadRequirement requirement = requirement(conn, scope, c);
        long since = scope == null ? 0 : scope.writeNanos();
        Node node = router.chooseReplica(preferred, null, requirement);
        if (monotonic && last != null && node != last) {
            // Moving away from the last read's node: the new one must be at least where that node is now
            // (an upper bound of what the last read saw). One round trip, only on such a move.
            since = System.nanoTime();
            scope.observedRead(currentPosition(conn, last));
            requirement = requirement(conn, scope, c);
            node = router.chooseReplica(null, null, requirement);
        }
        if (node == null && requirement.minLsn() != 0) {
            node = catchUp(conn, since, requirement);
        }
        RouteReason reason = conn.autoCommit() ? RouteReason.READ : RouteReason.TX_READ_ONLY;
        if (node == null) {
            if (requirement.minLsn() != 0 && router.chooseReplica(null, null,
                    new ReadRequirement(0, requirement.maxStalenessNanos())) != null) {
                node = router.primary();
                reason = RouteReason.CONSISTENCY_FALLBACK;
            } else {
                node = conn.fallback();
                reason = RouteReason.NO_REPLICA_FALLBACK;
            }
        } else if (conn.autoCommit()) {
            conn.lastReplica(node);
        }
        if (monotonic) {
            scope.lastReadNode(node);
        }
        return new Binding(node, reason, false, requirement);
    }

    /** Where a node is now: a replica's replay position, the primary's write position (0 when unknown). */
    private static long currentPosition(LogicalConnection conn, Node node) throws SQLException {
        if (node.role() == NodeRole.PRIMARY) {
            ScopeState probe = new ScopeState(Consistency.READ_YOUR_WRITES);
            probe.markWrite(System.nanoTime());
            resolveWrites(conn, probe);
            return probe.writeLsn();
        }
        long lsn = replayLsnOf(conn, node);
        return lsn != 0 ? lsn : node.replayLsn();
    }

    private static ReadRequirement requirement(LogicalConnection conn, ScopeState scope, Classification c)
            throws SQLException {
        long staleness = c.hint().maxStaleness() != null ? c.hint().maxStaleness().toNanos()
                : scope != null ? scope.maxStalenessNanos() : Long.MAX_VALUE;
        long minLsn = 0;
        if (scope != null && (scope.level() == Consistency.READ_YOUR_WRITES || scope.level() == Consistency.MONOTONIC)) {
            if (scope.hasUnverified()) {
                PrimaryPosition position = conn.context().primaryPosition();
                long dropped = scope.checkToken(position.get(), position.observedAt());
                if (dropped != 0) {
                    conn.context().ignoredTokens().report("position " + Lsns.format(dropped)
                            + " is beyond the primary's " + Lsns.format(position.get()));
                }
            }
            if (conn.opaqueWrites()) {
                scope.markWrite(System.nanoTime()); // the primary was used through an object we cannot see into
            }
            if (scope.pendingWrite()) {
                resolveWrites(conn, scope);
            }
            minLsn = scope.minLsnForRead();
        }
        return minLsn == 0 && staleness == Long.MAX_VALUE ? ReadRequirement.NONE : new ReadRequirement(minLsn, staleness);
    }

    /**
     * Asks the primary for its WAL position: every write this scope marked so far is at or before it. One
     * round trip, only when a read (or a token) needs it after a write. If the primary does not answer, the
     * monitor's newest sample of it stands in (best effort: reads must not fail because the primary is down).
     */
    static void resolveWrites(LogicalConnection conn, ScopeState scope) throws SQLException {
        RoutingContext ctx = conn.context();
        long asked = System.nanoTime();
        long lsn;
        try {
            Connection c = conn.physical(ctx.router().primary());
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                lsn = Lsns.parse(rs.getString(1));
            }
            ctx.primaryPosition().observe(lsn, asked);
        } catch (SQLException e) {
            lsn = ctx.primaryPosition().get();
        }
        scope.resolved(lsn, asked);
    }

    /**
     * No replica is known to have replayed the scope's writes. A replica whose last sample is older than the
     * write may well have: ask it (on its own connection) — and, with a wait configured, keep asking (every
     * 0.1 ms) until the bound, but only replicas whose measured lag is within the bound (one lagging more will
     * not catch up in time, and asking it again and again would only load it). Returns a replica that has, or {@code null}.
     */
    private static Node catchUp(LogicalConnection conn, long writtenAt, ReadRequirement requirement) {
        RoutingContext ctx = conn.context();
        long start = System.nanoTime();
        long deadline = start + ctx.maxWaitNanos();
        boolean waiting = false;
        // Ask in the balancer's order: its choice among the replicas that fit the staleness budget first, then
        // the rest from a rotating start, so that reads after writes spread as the other reads do.
        List<Node> replicas = ctx.router().topology().replicas();
        int n = replicas.size();
        Node first = ctx.router().chooseReplica(null, null, new ReadRequirement(0, requirement.maxStalenessNanos()));
        int offset = n == 0 ? 0 : ThreadLocalRandom.current().nextInt(n);
        while (true) {
            boolean worthWaiting = false;
            for (int k = -1; k < n; k++) {
                Node r = k < 0 ? first : replicas.get((offset + k) % n);
                if (r == null || (k >= 0 && r == first)) {
                    continue;
                }
                if (!r.health().isUp() || r.lagNanos() > requirement.maxStalenessNanos()) {
                    continue;
                }
                // One lagging more than the wait bound will not catch up in time: asking it again would only load it.
                boolean canCatchUp = r.lagNanos() <= ctx.maxWaitNanos();
                worthWaiting |= canCatchUp;
                if (waiting ? !canCatchUp : r.replaySampledAt() - writtenAt > 0) {
                    continue; // first pass: a sample newer than the write already said it is behind
                }
                long lsn = replayLsnOf(conn, r);
                if (Lsns.reached(lsn, requirement.minLsn())) {
                    if (waiting) {
                        reportWait(ctx, r, start, true);
                    }
                    return r;
                }
            }
            if (System.nanoTime() - deadline >= 0 || !worthWaiting) {
                if (waiting) {
                    reportWait(ctx, null, start, false);
                }
                return null;
            }
            waiting = true;
            // A replica replays a commit in about a millisecond here: ask again soon (each ask is a round trip).
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            if (Thread.currentThread().isInterrupted()) {
                return null;
            }
        }
    }

    private static void reportWait(RoutingContext ctx, Node node, long start, boolean satisfied) {
        RoutingListener listener = ctx.listener();
        if (listener != RoutingListener.NONE) {
            listener.consistencyWait(node == null ? null : node.name(), System.nanoTime() - start, satisfied);
        }
    }

    /** The replica's replay position asked on its own (the router's) connection; 0 when it does not answer. */
    private static long replayLsnOf(LogicalConnection conn, Node replica) {
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
            if (SqlErrors.isConnectionFailure(e)) {
                replica.health().markDown(e);
            }
            conn.release(replica);
            return 0;
        }
    }

}
