package io.replicarouter;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.internal.postgres.Lsns;
import io.replicarouter.internal.topology.MonitorState;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.NodeView;
import io.replicarouter.internal.topology.Topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Translates the internal {@link Topology} into the public {@link TopologySnapshot}. Pure but for the nodes' live counters. */
final class Snapshots {

    private Snapshots() {
    }

    /**
     * @param t      the topology the router reads now
     * @param stale  whether its observation is older than the stale limit
     * @param now    System.nanoTime() now
     * @param wall   the wall clock (for a snapshot built with the monitor off)
     * @param owned  the pools the router created (their active connections count as outstanding)
     */
    static TopologySnapshot of(Topology t, boolean stale, long now, Clock wall, Set<HikariDataSource> owned) {
        MonitorState seen = t.observed();
        Instant at = seen != null ? t.observedWall() : wall.instant();
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (Node node : t.all()) {
            NodeView v = seen == null ? null : seen.node(node.index());
            NodeState state = stale ? NodeState.UNKNOWN : state(t, node, v, now);
            NodeRole role = stale ? NodeRole.UNKNOWN : node == t.primary() ? NodeRole.PRIMARY
                    : v == null ? node.role() : v.seenAs();
            boolean primary = node == t.primary();
            Duration lag = primary ? Duration.ZERO : v != null && v.sampled() ? Duration.ofNanos(v.lagNanos()) : null;
            long lagBytes = primary ? 0 : v != null && v.sampled() ? v.lagBytes() : -1;
            String position = v != null && v.lsn() != 0 ? Lsns.format(v.lsn()) : null;
            Instant observedAt = v == null ? at : v.observedAt() == 0 ? null : at.minusNanos(seen.at() - v.observedAt());
            FenceCause fence = v != null && (v.fenced() || v.misconfigured()) ? v.fenceCause() : null;
            nodes.add(new NodeSnapshot(node.name(), role, state, lag, lagBytes, position, observedAt,
                    lastError(node, v), node.weight(), outstanding(node, owned), url(node),
                    t.drained().contains(node), fence));
        }
        return new TopologySnapshot(at, stale, t.primary() == null ? null : t.primary().name(), nodes);
    }

    private static NodeState state(Topology t, Node node, NodeView v, long now) {
        if (v != null && v.unreachable() != null) {
            return NodeState.UNREACHABLE;
        }
        if (v != null && (v.fenced() || v.misconfigured())) {
            return NodeState.FENCED;
        }
        if (!node.health().isUp()) {
            return NodeState.DOWN;
        }
        if (node == t.primary()) {
            return NodeState.SERVING;
        }
        if (t.drained().contains(node)) {
            return NodeState.DRAINED;
        }
        if (t.eligible().contains(node)) {
            return t.share(node, now) < 1.0 ? NodeState.SLOW_START : NodeState.SERVING;
        }
        return v != null && v.seenAs() == NodeRole.REPLICA && v.sampled() ? NodeState.LAGGING : NodeState.UNKNOWN;
    }

    private static String lastError(Node node, NodeView v) {
        String error = null;
        if (v != null && v.unreachable() != null) {
            error = v.unreachable().error();
        } else if (v != null && v.misconfigured()) {
            error = "configured as the primary but is a standby (pg_is_in_recovery() = true): check its URL";
        } else if (v != null && v.fenced()) {
            error = v.fenceReason();
        } else if (!node.health().isUp()) {
            error = node.health().lastError();
        }
        return error == null ? null : Urls.redact(error);
    }

    /** The URL of the node's pool, redacted; null when its DataSource is not a HikariDataSource with a URL. */
    private static String url(Node node) {
        return node.pool() instanceof HikariDataSource h && h.getJdbcUrl() != null ? Urls.redact(h.getJdbcUrl()) : null;
    }

    private static int outstanding(Node node, Set<HikariDataSource> owned) {
        if (node.tracksLoad()) {
            return node.outstanding();
        }
        if (node.pool() instanceof HikariDataSource h && owned.contains(h)) {
            HikariPoolMXBean mx = h.getHikariPoolMXBean();
            return mx == null ? -1 : mx.getActiveConnections();
        }
        return -1;
    }
}
