package io.replicarouter.internal.topology;

import io.replicarouter.FenceCause;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoleResolverTest {

    private static NodeStatus primary(int timeline, long systemId) {
        return new NodeStatus(true, false, 100, 0, timeline, systemId, 0, null);
    }

    private static NodeStatus replica(long systemId) {
        return new NodeStatus(true, true, 0, 90, 1, systemId, 0, null);
    }

    private static final NodeStatus DOWN = NodeStatus.unreachable(0, "refused");

    @Test
    void theOneNodeOutOfRecoveryIsThePrimary() {
        RoleResolver.Roles r = RoleResolver.resolve(List.of(primary(1, 7), replica(7), replica(7)), 0);
        assertThat(r.primary()).isZero();
        assertThat(r.fenced()).isEmpty();
    }

    @Test
    void noPrimaryWhileItIsDownAndNothingWasPromoted() {
        RoleResolver.Roles r = RoleResolver.resolve(List.of(DOWN, replica(7), replica(7)), 0);
        assertThat(r.primary()).isEqualTo(-1);
    }

    @Test
    void aPromotedReplicaTakesOver() {
        RoleResolver.Roles r = RoleResolver.resolve(List.of(DOWN, primary(2, 7), replica(7)), 0);
        assertThat(r.primary()).isEqualTo(1);
    }

    @Test
    void twoPrimariesTheHigherTimelineWinsAndTheOtherIsFenced() {
        RoleResolver.Roles r = RoleResolver.resolve(List.of(primary(1, 7), primary(2, 7), replica(7)), 1);
        assertThat(r.primary()).isEqualTo(1);
        assertThat(r.fenced()).containsExactly(0);
        assertThat(r.causes()).containsExactly(FenceCause.SECOND_PRIMARY);
        assertThat(r.reasons().get(0)).contains("timeline 1").contains("on 2");
        // the same when the old primary was the current one
        assertThat(RoleResolver.resolve(List.of(primary(1, 7), primary(2, 7)), 0).primary()).isEqualTo(1);
    }

    @Test
    void onATieTheCurrentPrimaryKeepsItsRole() {
        assertThat(RoleResolver.resolve(List.of(primary(3, 7), primary(3, 7)), 1).primary()).isEqualTo(1);
        assertThat(RoleResolver.resolve(List.of(primary(3, 7), primary(3, 7)), 0).primary()).isZero();
    }

    @Test
    void aNodeOfAnotherClusterIsFenced() {
        RoleResolver.Roles r = RoleResolver.resolve(List.of(primary(1, 7), replica(8), replica(7)), 0);
        assertThat(r.fenced()).containsExactly(1);
        assertThat(r.causes()).containsExactly(FenceCause.OTHER_CLUSTER);
        assertThat(r.reasons().get(0)).contains("another cluster");
    }

    @Test
    void unreachableNodesAreNeitherPrimaryNorFenced() {
        RoleResolver.Roles r = RoleResolver.resolve(List.of(primary(1, 7), DOWN), 0);
        assertThat(r.fenced()).isEmpty();
        assertThat(r.causes()).isEmpty();
    }
}
