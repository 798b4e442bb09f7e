package io.replicarouter.spring.actuate;

import io.replicarouter.NodeRole;
import io.replicarouter.NodeSnapshot;
import io.replicarouter.NodeState;
import io.replicarouter.TopologySnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The status rules per node, and what Spring Boot's default aggregation makes of them. */
class NodeHealthTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static NodeSnapshot node(String name, NodeRole role, NodeState state) {
        boolean primary = role == NodeRole.PRIMARY;
        return new NodeSnapshot(name, role, state, primary ? Duration.ZERO : Duration.ofMillis(1500),
                primary ? 0 : 4096, "0/3000060", AT, state.takesTraffic() ? null : "probe timed out", 1, 2,
                "jdbc:postgresql://h/db", state == NodeState.DRAINED, state == NodeState.FENCED
                        ? io.replicarouter.FenceCause.OTHER_CLUSTER : null);
    }

    private static TopologySnapshot topology(String primary, NodeSnapshot... nodes) {
        return new TopologySnapshot(AT, false, primary, List.of(nodes));
    }

    private static Status group(TopologySnapshot t) {
        Set<Status> statuses = t.nodes().stream().map(n -> NodeHealth.status(t, n)).collect(Collectors.toSet());
        return new SimpleStatusAggregator().getAggregateStatus(statuses);
    }

    @Test
    void servingPrimaryAndReplicasAreUp() {
        TopologySnapshot t = topology("primary", node("primary", NodeRole.PRIMARY, NodeState.SERVING),
                node("replica1", NodeRole.REPLICA, NodeState.SERVING),
                node("replica2", NodeRole.REPLICA, NodeState.SLOW_START));
        assertThat(t.nodes()).allSatisfy(n -> assertThat(NodeHealth.status(t, n)).isEqualTo(Status.UP));
        assertThat(group(t)).isEqualTo(Status.UP);
    }

    @ParameterizedTest
    @EnumSource(value = NodeState.class, names = {"LAGGING", "DRAINED", "UNREACHABLE", "DOWN", "FENCED"})
    void aReplicaOutOfRotationShowsAndLeavesTheGroupUp(NodeState state) {
        TopologySnapshot t = topology("primary", node("primary", NodeRole.PRIMARY, NodeState.SERVING),
                node("replica1", NodeRole.REPLICA, state), node("replica2", NodeRole.REPLICA, NodeState.SERVING));
        assertThat(NodeHealth.status(t, t.nodes().get(1))).isEqualTo(NodeHealth.OUT_OF_ROTATION);
        assertThat(group(t)).isEqualTo(Status.UP);
    }

    @Test
    void everyReplicaOutOfRotationStillLeavesTheGroupUp() {
        TopologySnapshot t = topology("primary", node("primary", NodeRole.PRIMARY, NodeState.SERVING),
                node("replica1", NodeRole.REPLICA, NodeState.LAGGING),
                node("replica2", NodeRole.REPLICA, NodeState.UNREACHABLE));
        assertThat(group(t)).isEqualTo(Status.UP);
    }

    @Test
    void aReplicaNotSeenYetIsUnknown() {
        TopologySnapshot t = topology("primary", node("primary", NodeRole.PRIMARY, NodeState.SERVING),
                node("replica1", NodeRole.REPLICA, NodeState.UNKNOWN));
        assertThat(NodeHealth.status(t, t.nodes().get(1))).isEqualTo(Status.UNKNOWN);
        assertThat(group(t)).isEqualTo(Status.UP);
    }

    @Test
    void aPrimaryThatDoesNotServeIsDown() {
        TopologySnapshot t = topology("primary", node("primary", NodeRole.PRIMARY, NodeState.DOWN),
                node("replica1", NodeRole.REPLICA, NodeState.SERVING));
        assertThat(NodeHealth.status(t, t.nodes().get(0))).isEqualTo(Status.DOWN);
        assertThat(group(t)).isEqualTo(Status.DOWN);
    }

    @Test
    void noPrimaryTakesTheGroupDownAndKeepsServingReplicasUp() {
        TopologySnapshot t = topology(null, node("primary", NodeRole.PRIMARY, NodeState.UNREACHABLE),
                node("replica1", NodeRole.REPLICA, NodeState.SERVING),
                node("replica2", NodeRole.REPLICA, NodeState.LAGGING));
        assertThat(NodeHealth.status(t, t.nodes().get(0))).isEqualTo(Status.DOWN);
        assertThat(NodeHealth.status(t, t.nodes().get(1))).isEqualTo(Status.UP);
        assertThat(NodeHealth.status(t, t.nodes().get(2))).isEqualTo(Status.DOWN);
        assertThat(group(t)).isEqualTo(Status.DOWN);
        assertThat(NodeHealth.health(t, t.nodes().get(1)).getDetails()).containsKey("cluster");
    }

    @Test
    void noPrimaryWhileEveryNodeServesReadsIsDownEverywhere() {
        TopologySnapshot t = topology(null, node("node1", NodeRole.REPLICA, NodeState.SERVING),
                node("node2", NodeRole.REPLICA, NodeState.SERVING));
        assertThat(t.nodes()).allSatisfy(n -> assertThat(NodeHealth.status(t, n)).isEqualTo(Status.DOWN));
    }

    @Test
    void aStaleSnapshotIsUnknownAndDoesNotTakeTheApplicationDown() {
        TopologySnapshot t = new TopologySnapshot(AT, true, "primary", List.of(
                node("primary", NodeRole.UNKNOWN, NodeState.UNKNOWN), node("replica1", NodeRole.UNKNOWN,
                        NodeState.UNKNOWN)));
        assertThat(t.nodes()).allSatisfy(n -> assertThat(NodeHealth.status(t, n)).isEqualTo(Status.UNKNOWN));
        Status app = new SimpleStatusAggregator().getAggregateStatus(Set.of(Status.UP, group(t)));
        assertThat(app).isEqualTo(Status.UP);
        assertThat(NodeHealth.health(t, t.nodes().get(0)).getDetails()).containsEntry("stale", true);
    }

    @Test
    void detailsCarryRoleStateLagEligibilityProbeAndError() {
        TopologySnapshot t = topology("primary", node("primary", NodeRole.PRIMARY, NodeState.SERVING),
                node("replica1", NodeRole.REPLICA, NodeState.LAGGING));
        Health h = NodeHealth.health(t, t.nodes().get(1));
        assertThat(h.getDetails()).containsEntry("role", "REPLICA").containsEntry("state", "LAGGING")
                .containsEntry("primary", false).containsEntry("eligible", false).containsEntry("fenced", false)
                .containsEntry("lagMs", 1500L).containsEntry("lagBytes", 4096L)
                .containsEntry("position", "0/3000060").containsEntry("lastProbe", AT.toString())
                .containsEntry("lastError", "probe timed out").containsEntry("weight", 1);
        Health primary = NodeHealth.health(t, t.nodes().get(0));
        assertThat(primary.getDetails()).containsEntry("primary", true).containsEntry("lagBytes", 0L)
                .doesNotContainKey("lastError");
    }

    @Test
    void unmeasuredLagIsLeftOut() {
        NodeSnapshot n = new NodeSnapshot("replica1", NodeRole.REPLICA, NodeState.UNKNOWN, null, -1, null, null,
                null, 1, 0, null, false, null);
        Health h = NodeHealth.health(topology("primary", n), n);
        assertThat(h.getDetails()).doesNotContainKeys("lagMs", "lagBytes", "position", "lastProbe", "lastError",
                "fenceCause");
        assertThat(h.getDetails()).containsEntry("drained", false);
    }

    @Test
    void aFencedNodeShowsItsCauseAndADrainedOneSaysSo() {
        NodeSnapshot fenced = node("replica1", NodeRole.REPLICA, NodeState.FENCED);
        assertThat(NodeHealth.health(topology("primary", fenced), fenced).getDetails())
                .containsEntry("fenced", true).containsEntry("fenceCause", "other_cluster");
        NodeSnapshot drained = node("replica2", NodeRole.REPLICA, NodeState.DRAINED);
        assertThat(NodeHealth.health(topology("primary", drained), drained).getDetails())
                .containsEntry("drained", true).doesNotContainKey("fenceCause");
    }
}
