package io.replicarouter.internal.consistency;

import io.replicarouter.Consistency;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScopeStateTest {

    @Test
    void readYourWritesNeedsThePositionAfterTheLastWrite() {
        ScopeState s = new ScopeState(Consistency.READ_YOUR_WRITES);
        assertThat(s.minLsnForRead()).isZero();
        s.markWrite(100);
        assertThat(s.pendingWrite()).isTrue();
        s.resolved(5000, 150);
        assertThat(s.pendingWrite()).isFalse();
        assertThat(s.minLsnForRead()).isEqualTo(5000);
        s.resolved(4000, 200); // never goes back
        assertThat(s.minLsnForRead()).isEqualTo(5000);
    }

    @Test
    void aWriteMarkedAfterTheQuestionStaysPending() {
        ScopeState s = new ScopeState(Consistency.READ_YOUR_WRITES);
        s.markWrite(300);
        s.resolved(5000, 200); // asked before the write at 300
        assertThat(s.pendingWrite()).isTrue();
    }

    @Test
    void monotonicAlsoRemembersWhatReadsSaw() {
        ScopeState s = new ScopeState(Consistency.MONOTONIC);
        s.observedRead(7000);
        assertThat(s.minLsnForRead()).isEqualTo(7000);
        s.observedRead(6000);
        assertThat(s.minLsnForRead()).isEqualTo(7000);
        s.markWrite(1);
        s.resolved(9000, 2);
        assertThat(s.minLsnForRead()).isEqualTo(9000);
    }

    @Test
    void eventualAndStrongNeverAskForAPosition() {
        for (Consistency level : new Consistency[] {Consistency.EVENTUAL, Consistency.STRONG}) {
            ScopeState s = new ScopeState(level);
            s.adopt(9000, 1);
            s.observedRead(9999);
            assertThat(s.minLsnForRead()).isZero();
        }
    }

    @Test
    void anEventualScopeDoesNotTrackWrites() {
        ScopeState s = new ScopeState(Consistency.EVENTUAL);
        s.markWrite(5);
        assertThat(s.pendingWrite()).isFalse();
        assertThat(s.writeNanos()).isZero();
    }

    @Test
    void otherClustersAreCarriedAtTheirHighestPosition() {
        ScopeState s = new ScopeState(Consistency.READ_YOUR_WRITES);
        s.carry(1, 10);
        s.carry(1, 5);
        s.carry(2, 7);
        assertThat(s.otherClusters()).containsEntry(1L, 10L).containsEntry(2L, 7L);
    }
}
