package io.replicarouter.internal.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LagHistoryTest {

    private static final long MS = 1_000_000;

    @Test
    void noLagWhenCaughtUpEvenOnAnIdlePrimary() {
        LagHistory h = new LagHistory(16);
        h = h.record(0, 1000);
        // an hour later, nothing was written: a replica at 1000 does not lag (now() - replay_timestamp would say 1 h)
        assertThat(h.lagNanos(3_600_000 * MS, 1000)).isZero();
        assertThat(h.lagNanos(3_600_000 * MS, 1200)).isZero();
    }

    @Test
    void lagIsTheAgeOfTheFirstWriteTheReplicaHasNotSeen() {
        LagHistory h = new LagHistory(16);
        h = h.record(0, 100);
        h = h.record(10 * MS, 200);
        h = h.record(20 * MS, 300);
        h = h.record(30 * MS, 400);
        assertThat(h.lagNanos(50 * MS, 400)).isZero();
        assertThat(h.lagNanos(50 * MS, 350)).isEqualTo(20 * MS); // 400 written at 30 ms
        assertThat(h.lagNanos(50 * MS, 300)).isEqualTo(20 * MS);
        assertThat(h.lagNanos(50 * MS, 250)).isEqualTo(30 * MS); // 300 written at 20 ms
        assertThat(h.lagNanos(50 * MS, 150)).isEqualTo(40 * MS);
    }

    @Test
    void unchangedPositionsKeepTheFirstTime() {
        LagHistory h = new LagHistory(16);
        h = h.record(0, 100);
        h = h.record(5 * MS, 200);
        h = h.record(9 * MS, 200);
        h = h.record(12 * MS, 200);
        assertThat(h.lagNanos(20 * MS, 100)).isEqualTo(15 * MS);
        assertThat(h.latestLsn()).isEqualTo(200);
    }

    @Test
    void behindEverySampleKeptGivesTheOldestAgeAsALowerBound() {
        LagHistory h = new LagHistory(3);
        for (int i = 1; i <= 10; i++) {
            h = h.record(i * MS, i * 100L);
        }
        // kept: 800@8, 900@9, 1000@10
        assertThat(h.lagNanos(20 * MS, 50)).isEqualTo(12 * MS);
        assertThat(h.lagNanos(20 * MS, 850)).isEqualTo(11 * MS);
    }

    @Test
    void unsignedPositionsAndClear() {
        LagHistory h = new LagHistory(4);
        h = h.record(0, 0x7FFF_FFFF_FFFF_FFF0L);
        h = h.record(MS, 0x8000_0000_0000_0010L); // beyond Long.MAX_VALUE: unsigned order
        assertThat(h.lagNanos(2 * MS, 0x7FFF_FFFF_FFFF_FFF0L)).isEqualTo(MS);
        h = h.clear();
        assertThat(h.lagNanos(2 * MS, 0)).isZero();
        assertThat(h.latestLsn()).isZero();
    }

    @Test
    void capacityMustHoldTwoSamples() {
        assertThatThrownBy(() -> new LagHistory(1)).hasMessageContaining("capacity");
    }
}
