package io.replicarouter;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.internal.topology.LagHistory;
import io.replicarouter.internal.topology.MonitorState;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.NodeHealth;
import io.replicarouter.internal.topology.NodeView;
import io.replicarouter.internal.topology.PhysicalConnections;
import io.replicarouter.internal.topology.Topology;
import io.replicarouter.internal.topology.TopologyHolder;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** How the internal topology reads as the public snapshot: one state per node, stale means unknown. */
class SnapshotsTest {

    private static final long MS = 1_000_000;
    private static final long AT = 100_000 * MS;
    private static final Instant WALL = Instant.parse("2026-01-02T03:04:05Z");

    private final AtomicLong clock = new AtomicLong(AT);
    private final List<Node> nodes = new ArrayList<>();
    private final List<NodeView> views = new ArrayList<>();

    /** The JDBC URL the next node's pool gets (then cleared); none by default. */
    private String nextUrl;

    private Node node(String name, NodeRole role, NodeView view) {
        NodeHealth health = new NodeHealth(clock::get, 2_000 * MS, new NodeHealth.Observer() {
            @Override
            public void down(SQLException cause) {
            }

            @Override
            public void up() {
            }
        });
        HikariDataSource pool = new HikariDataSource();
        if (nextUrl != null) {
            pool.setJdbcUrl(nextUrl);
            nextUrl = null;
        }
        Node n = new Node(nodes.size(), name, role, pool, 1 + nodes.size(), health,
                () -> null, new PhysicalConnections(), false, false);
        nodes.add(n);
        views.add(view);
        return n;
    }

    private static NodeView view(NodeRole seenAs, Node.Unreachable unreachable, String fence, boolean misconfigured,
                                 boolean eligible, long readmittedAt, boolean sampled) {
        return new NodeView(seenAs == NodeRole.PRIMARY ? NodeRole.PRIMARY : NodeRole.REPLICA, seenAs, unreachable,
                null, fence, misconfigured, seenAs == NodeRole.PRIMARY, eligible, readmittedAt, sampled ? 40 * MS : 0,
                sampled ? 4096 : 0, seenAs == NodeRole.UNKNOWN ? 0 : 0x3000060L, AT - 100 * MS, sampled);
    }

    @Test
    void everyNodeHasOneStateAndItsFigures() {
        Node primary = node("primary", NodeRole.PRIMARY, view(NodeRole.PRIMARY, null, null, false, true, 0, false));
        Node slow = node("slow", NodeRole.REPLICA, view(NodeRole.REPLICA, null, null, false, true, AT - 1_000 * MS, true));
        Node serving = node("serving", NodeRole.REPLICA, view(NodeRole.REPLICA, null, null, false, true, 0, true));
        node("lagging", NodeRole.REPLICA, view(NodeRole.REPLICA, null, null, false, false, 0, true));
        node("hung", NodeRole.REPLICA, view(NodeRole.REPLICA, new Node.Unreachable("probe timed out", AT, true),
                null, false, false, 0, false));
        NodeView fencedView = view(NodeRole.PRIMARY, null, "also claims to be primary, on timeline 1"
                + " (the primary is on 2)", false, false, 0, false);
        node("fenced", NodeRole.REPLICA, new NodeView(fencedView.role(), fencedView.seenAs(), null, null,
                fencedView.fenceReason(), false, false, false, 0, 0, 0, fencedView.lsn(), fencedView.observedAt(),
                false, FenceCause.SECOND_PRIMARY));
        node("wrongUrl", NodeRole.PRIMARY, view(NodeRole.REPLICA, null, null, true, false, 0, false));
        Node drained = node("drained", NodeRole.REPLICA, view(NodeRole.REPLICA, null, null, false, true, 0, true));
        nextUrl = "jdbc:postgresql://app:pw-in-url@h:5432/db?password=secret&ssl=true";
        Node down = node("down", NodeRole.REPLICA, view(NodeRole.REPLICA, null, null, false, true, 0, true));
        node("unseen", NodeRole.REPLICA, view(NodeRole.UNKNOWN, null, null, false, false, 0, false));
        down.health().markDown(new SQLException("[down] I/O error; url jdbc:postgresql://h/db?password=secret"));

        MonitorState state = new MonitorState(0, views, new LagHistory(4), 7, null, AT);
        Topology t = new Topology(primary, List.of(slow, serving, drained, down), nodes, List.of(slow),
                new long[] {AT - 1_000 * MS}, 3_000 * MS, null, Set.of(drained), state, WALL);
        TopologySnapshot s = Snapshots.of(t, false, AT, Clock.fixed(WALL.plusSeconds(9), ZoneOffset.UTC), Set.of());

        assertThat(s.stale()).isFalse();
        assertThat(s.observedAt()).isEqualTo(WALL);
        assertThat(s.primary()).isEqualTo("primary");
        assertThat(s.nodes()).extracting(NodeSnapshot::state).containsExactly(NodeState.SERVING, NodeState.SLOW_START,
                NodeState.SERVING, NodeState.LAGGING, NodeState.UNREACHABLE, NodeState.FENCED, NodeState.FENCED,
                NodeState.DRAINED, NodeState.DOWN, NodeState.UNKNOWN);
        assertThat(s.nodes()).extracting(NodeSnapshot::role).containsExactly(NodeRole.PRIMARY, NodeRole.REPLICA,
                NodeRole.REPLICA, NodeRole.REPLICA, NodeRole.REPLICA, NodeRole.PRIMARY, NodeRole.REPLICA,
                NodeRole.REPLICA, NodeRole.REPLICA, NodeRole.UNKNOWN);
        assertThat(s.readReplicas()).containsExactly("slow", "serving");

        NodeSnapshot p = s.node("primary").orElseThrow();
        assertThat(p.lag()).isEqualTo(Duration.ZERO);
        assertThat(p.lagBytes()).isZero();
        assertThat(p.position()).isEqualTo("0/3000060");
        assertThat(p.observedAt()).isEqualTo(WALL.minusMillis(100));
        assertThat(p.weight()).isEqualTo(1);
        assertThat(p.outstanding()).isEqualTo(-1); // a DataSource given to the router, load not tracked

        NodeSnapshot lagging = s.node("lagging").orElseThrow();
        assertThat(lagging.lag()).isEqualTo(Duration.ofMillis(40));
        assertThat(lagging.lagBytes()).isEqualTo(4096);
        assertThat(lagging.lastError()).isNull();

        NodeSnapshot hung = s.node("hung").orElseThrow();
        assertThat(hung.lag()).isNull();
        assertThat(hung.lagBytes()).isEqualTo(-1);
        assertThat(hung.lastError()).isEqualTo("probe timed out");
        assertThat(s.node("fenced").orElseThrow().lastError()).startsWith("also claims to be primary");
        assertThat(s.node("wrongUrl").orElseThrow().lastError()).startsWith("configured as the primary but is a standby");
        assertThat(s.node("down").orElseThrow().lastError()).isEqualTo(
                "[down] I/O error; url jdbc:postgresql://h/db?password=***"); // never a credential
        NodeSnapshot unseen = s.node("unseen").orElseThrow();
        assertThat(unseen.position()).isNull();

        // Drained and fence cause beside the state; the URL redacted.
        assertThat(s.nodes()).extracting(NodeSnapshot::drained).containsExactly(false, false, false, false, false,
                false, false, true, false, false);
        assertThat(s.nodes()).extracting(NodeSnapshot::fenceCause).containsExactly(null, null, null, null, null,
                FenceCause.SECOND_PRIMARY, FenceCause.MISCONFIGURED_PRIMARY, null, null, null);
        assertThat(s.node("down").orElseThrow().url()).isEqualTo("jdbc:postgresql://***@h:5432/db?password=***&ssl=true")
                .doesNotContain("pw-in-url").doesNotContain("secret").doesNotContain("app:");
        assertThat(p.url()).isNull(); // a pool without a URL

        clock.addAndGet(2_000 * MS); // the cool-down passed
        assertThat(Snapshots.of(t, false, AT, Clock.systemUTC(), Set.of()).node("down").orElseThrow().state())
                .isEqualTo(NodeState.SERVING);
        assertThat(Snapshots.of(t, false, AT + 3_000 * MS, Clock.systemUTC(), Set.of()).node("slow").orElseThrow()
                .state()).isEqualTo(NodeState.SERVING); // the slow start is over
    }

    @Test
    void aStaleSnapshotReportsUnknownButKeepsPositions() {
        Node primary = node("primary", NodeRole.PRIMARY, view(NodeRole.PRIMARY, null, null, false, true, 0, false));
        Node r = node("r", NodeRole.REPLICA, view(NodeRole.REPLICA, null, null, false, true, 0, true));
        MonitorState state = new MonitorState(0, views, new LagHistory(4), 7, null, AT);
        Topology t = new Topology(primary, List.of(r), nodes, List.of(), new long[0], 1, null, Set.of(), state, WALL);
        TopologyHolder holder = new TopologyHolder(t, 1_000 * MS);
        assertThat(holder.stale(t, AT + 1_000 * MS)).isFalse();
        assertThat(holder.stale(t, AT + 1_000 * MS + 1)).isTrue();

        TopologySnapshot s = Snapshots.of(t, true, AT + 2_000 * MS, Clock.systemUTC(), Set.of());
        assertThat(s.stale()).isTrue();
        assertThat(s.nodes()).allMatch(n -> n.state() == NodeState.UNKNOWN && n.role() == NodeRole.UNKNOWN);
        assertThat(s.readReplicas()).isEmpty();
        assertThat(s.node("r").orElseThrow().position()).isEqualTo("0/3000060"); // a lower bound, still true
        assertThat(s.primary()).isEqualTo("primary"); // where writes still go
    }

    @Test
    void withTheMonitorOffTheSnapshotIsBuiltFromTheConfiguredRolesAndNeverStale() {
        Node primary = node("primary", NodeRole.PRIMARY, null);
        Node r = node("r", NodeRole.REPLICA, null);
        Topology t = new Topology(primary, List.of(r), nodes);
        TopologyHolder holder = new TopologyHolder(t, Long.MAX_VALUE);
        assertThat(holder.stale(t, Long.MAX_VALUE)).isFalse();
        Clock now = Clock.fixed(WALL, ZoneOffset.UTC);
        TopologySnapshot s = Snapshots.of(t, false, AT, now, Set.of());
        assertThat(s.observedAt()).isEqualTo(WALL);
        assertThat(s.nodes()).extracting(NodeSnapshot::state).containsExactly(NodeState.SERVING, NodeState.SERVING);
        assertThat(s.nodes()).extracting(NodeSnapshot::role).containsExactly(NodeRole.PRIMARY, NodeRole.REPLICA);
        NodeSnapshot replica = s.node("r").orElseThrow();
        assertThat(replica.lag()).isNull(); // not measured without the monitor
        assertThat(replica.lagBytes()).isEqualTo(-1);
        assertThat(replica.position()).isNull();
        assertThat(replica.observedAt()).isEqualTo(WALL);

        holder.drain(r, true);
        assertThat(holder.get().replicas()).isEmpty();
        NodeSnapshot drained = Snapshots.of(holder.get(), false, AT, now, Set.of()).node("r").orElseThrow();
        assertThat(drained.state()).isEqualTo(NodeState.DRAINED);
        assertThat(drained.drained()).isTrue();
        assertThat(drained.fenceCause()).isNull();
        holder.publish(new Topology(primary, List.of(r), nodes)); // a monitor round racing the drain
        assertThat(holder.get().replicas()).isEmpty();
        assertThat(holder.get().drained()).containsExactly(r);
        holder.drain(r, false);
        assertThat(holder.get().replicas()).containsExactly(r);
    }
}
