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
    void anEventualScopeRecordsItsWritesButItsReadsIgnoreThem() {
        ScopeState s = new ScopeState(Consistency.EVENTUAL);
        s.markWrite(5);
        assertThat(s.wrote()).isTrue();
        assertThat(s.pendingWrite()).isTrue();
        assertThat(s.writeNanos()).isEqualTo(5);
        s.resolved(8000, 6);
        assertThat(s.writeLsn()).as("what its token carries").isEqualTo(8000);
        assertThat(s.minLsnForRead()).as("its own reads").isZero();
        ScopeState stronger = new ScopeState(Consistency.READ_YOUR_WRITES);
        stronger.adoptScope(s);
        assertThat(stronger.minLsnForRead()).isEqualTo(8000);
    }

    @Test
    void wroteMeansAWriteWasRecordedNotThatThereIsAPosition() {
        for (Consistency level : Consistency.values()) {
            ScopeState resumed = new ScopeState(level);
            assertThat(resumed.wrote()).isFalse();
            assertThat(resumed.hasPosition()).isFalse();
            resumed.adopt(9000, 1);
            assertThat(resumed.wrote()).as("%s resumed", level).isFalse();
            assertThat(resumed.hasPosition()).isTrue();
            ScopeState unverified = new ScopeState(level);
            unverified.adoptUnverified(9000, 1);
            assertThat(unverified.wrote()).isFalse();
            assertThat(unverified.hasPosition()).isTrue();
            ScopeState carried = new ScopeState(level);
            carried.carry(77, 10);
            assertThat(carried.wrote()).isFalse();
            assertThat(carried.hasPosition()).isTrue();
            ScopeState written = new ScopeState(level);
            written.markWrite(3);
            assertThat(written.wrote()).isTrue();
            assertThat(written.hasPosition()).isTrue();
            written.resolved(100, 4);
            assertThat(written.wrote()).as("still wrote once resolved").isTrue();
        }
    }

    @Test
    void adoptingAScopeTakesItsPositionsButNotItsWrites() {
        ScopeState other = new ScopeState(Consistency.READ_YOUR_WRITES);
        other.markWrite(10);
        other.resolved(5000, 11);
        other.carry(42, 300);
        ScopeState mine = new ScopeState(Consistency.READ_YOUR_WRITES);
        mine.adoptScope(other);
        assertThat(mine.minLsnForRead()).isEqualTo(5000);
        assertThat(mine.writeNanos()).isEqualTo(10);
        assertThat(mine.otherClusters()).containsEntry(42L, 300L);
        assertThat(mine.wrote()).isFalse();
        assertThat(mine.pendingWrite()).isFalse();
        // Never backwards: a lower position adopted later changes nothing.
        ScopeState older = new ScopeState(Consistency.READ_YOUR_WRITES);
        older.adopt(4000, 20);
        mine.adoptScope(older);
        assertThat(mine.minLsnForRead()).isEqualTo(5000);
        // Adopting itself is a no-op.
        mine.adoptScope(mine);
        assertThat(mine.minLsnForRead()).isEqualTo(5000);
    }

    @Test
    void aPendingWriteStaysPendingWhenAdoptedAndIsResolvedByAQuestionAskedAfterIt() {
        ScopeState other = new ScopeState(Consistency.EVENTUAL);
        other.markWrite(100);
        ScopeState mine = new ScopeState(Consistency.READ_YOUR_WRITES);
        mine.adoptScope(other);
        assertThat(mine.pendingWrite()).isTrue();
        assertThat(mine.writeNanos()).isEqualTo(100);
        mine.resolved(6000, 90); // asked before the adopted write
        assertThat(mine.pendingWrite()).isTrue();
        mine.resolved(6100, 120);
        assertThat(mine.pendingWrite()).isFalse();
        assertThat(mine.minLsnForRead()).isEqualTo(6100);
    }

    @Test
    void adoptingAMonotonicScopeCarriesWhatItsReadsSaw() {
        ScopeState other = new ScopeState(Consistency.MONOTONIC);
        other.observedRead(7000);
        ScopeState mine = new ScopeState(Consistency.MONOTONIC);
        mine.adoptScope(other);
        assertThat(mine.minLsnForRead()).isEqualTo(7000);
        ScopeState ryw = new ScopeState(Consistency.READ_YOUR_WRITES);
        ryw.adoptScope(other);
        assertThat(ryw.minLsnForRead()).as("read-your-writes needs only writes").isZero();
    }

    @Test
    void adoptingAnUnverifiedPositionKeepsItUnverified() {
        ScopeState other = new ScopeState(Consistency.READ_YOUR_WRITES);
        other.adoptUnverified(9000, 50);
        ScopeState mine = new ScopeState(Consistency.READ_YOUR_WRITES);
        mine.adoptScope(other);
        assertThat(mine.hasUnverified()).isTrue();
        assertThat(mine.minLsnForRead()).isEqualTo(9000);
        assertThat(mine.checkToken(8000, 60)).as("beyond the primary, asked after it arrived: dropped").isEqualTo(9000);
        assertThat(mine.minLsnForRead()).isZero();
    }

    @Test
    void stalenessBudgetReadsBack() {
        ScopeState s = new ScopeState(Consistency.READ_YOUR_WRITES);
        assertThat(s.maxStalenessNanos()).isEqualTo(Long.MAX_VALUE);
        s.maxStalenessNanos(5_000);
        assertThat(s.maxStalenessNanos()).isEqualTo(5_000);
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
