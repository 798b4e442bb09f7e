package io.replicarouter.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatsTest {

    @Test
    void percentileIsTheNearestRank() {
        long[] v = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertThat(Stats.percentile(v, 50)).isEqualTo(50);
        assertThat(Stats.percentile(v, 99)).isEqualTo(100);
        assertThat(Stats.percentile(v, 90)).isEqualTo(90);
        assertThat(Stats.percentile(v, 91)).isEqualTo(100);
        assertThat(Stats.percentile(v, 0)).isEqualTo(10);
        assertThat(Stats.percentile(v, 100)).isEqualTo(100);
        assertThat(Stats.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(Stats.percentile(new long[0], 50)).isNaN();
        assertThatThrownBy(() -> Stats.percentile(v, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[0])).isNaN();
    }

    @Test
    void medianOfRatiosPairsTheRounds() {
        // Ratios 0.5, 2.0, 1.0: the median ratio is 1.0, unlike the ratio of the medians (20 / 20 = 1.0 here,
        // but 0.9 with the third pair changed below).
        assertThat(Stats.medianOfRatios(new double[] {10, 40, 20}, new double[] {20, 20, 20})).isEqualTo(1.0);
        assertThat(Stats.medianOfRatios(new double[] {9, 30, 18}, new double[] {10, 10, 20}))
                .isCloseTo(0.9, within(1e-12));
        assertThatThrownBy(() -> Stats.medianOfRatios(new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void medianOfDifferences() {
        assertThat(Stats.medianOfDifferences(new double[] {30, 34, 40}, new double[] {26, 30, 30})).isEqualTo(4);
    }

    @Test
    void roundRStartsAtContenderRModK() {
        assertThat(Stats.rotation(0, 4)).containsExactly(0, 1, 2, 3);
        assertThat(Stats.rotation(1, 4)).containsExactly(1, 2, 3, 0);
        assertThat(Stats.rotation(3, 4)).containsExactly(3, 0, 1, 2);
        assertThat(Stats.rotation(5, 4)).containsExactly(1, 2, 3, 0);
        assertThat(Stats.rotation(2, 1)).containsExactly(0);
        assertThatThrownBy(() -> Stats.rotation(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplesGrowAndMergeSorted() {
        Stats.LongSamples a = new Stats.LongSamples();
        Stats.LongSamples b = new Stats.LongSamples();
        for (int i = 0; i < 40_000; i++) {
            a.add(40_000 - i);
        }
        b.add(0);
        b.add(100_000);
        long[] all = Stats.LongSamples.sortedUnion(List.of(a, b));
        assertThat(all).hasSize(40_002);
        assertThat(all[0]).isZero();
        assertThat(all[1]).isEqualTo(1);
        assertThat(all[40_001]).isEqualTo(100_000);
    }

    @Test
    void expectedValueCheck() {
        assertThat(SideBySide.expected("v1", 1)).isTrue();
        assertThat(SideBySide.expected("v10000", 10_000)).isTrue();
        assertThat(SideBySide.expected("v10", 1)).isFalse();
        assertThat(SideBySide.expected("v01", 1)).isFalse();
        assertThat(SideBySide.expected("x1", 1)).isFalse();
        assertThat(SideBySide.expected("v", 0)).isFalse();
        assertThat(SideBySide.expected("v1a", 1)).isFalse();
        assertThat(SideBySide.expected(null, 1)).isFalse();
    }

    @Test
    void procLinesParse() {
        long[] cpu = ProcCpu.parseCpuLine("cpu  100 5 50 800 20 3 2 1 0 0");
        assertThat(cpu[1]).isEqualTo(100 + 5 + 50 + 800 + 20 + 3 + 2 + 1);
        assertThat(cpu[0]).isEqualTo(100 + 5 + 50 + 3 + 2 + 1);
        String stat = "1234 (postgres: rr-1 (x) replica1) S 1 1234 1234 0 -1 4194560 100 0 0 0 "
                + "17 4 9 2 20 0 1 0 100 1000 100 18446744073709551615";
        assertThat(ProcCpu.parseStat(stat, false)).isEqualTo(21);
        assertThat(ProcCpu.parseStat(stat, true)).isEqualTo(32);
        ProcCpu.Reading before = new ProcCpu.Reading(100, 1000, 10, 4, 20, new long[] {5, 15});
        ProcCpu.Reading after = new ProcCpu.Reading(250, 1200, 60, 14, 100, new long[] {25, 75});
        ProcCpu.Share s = after.since(before);
        assertThat(s.total()).isEqualTo(200);
        assertThat(s.busy()).isEqualTo(150);
        assertThat(s.others()).isEqualTo(150 - 50 - 80);
        assertThat(s.othersPercent()).isEqualTo(10.0);
        assertThat(s.perNode()).containsExactly(20, 60);
        assertThat(s.jvm()).isEqualTo(50);
        assertThat(s.jvmSystem()).isEqualTo(10);
    }

    @Test
    void protocolMessageTypes() {
        assertThat(SideBySide.messageType(" FE=> Parse(stmt=null,query=\"select 1\",oids={})")).isEqualTo("FE=> Parse");
        assertThat(SideBySide.messageType(" FE=> Sync")).isEqualTo("FE=> Sync");
        assertThat(SideBySide.messageType(" <=BE ReadyForQuery(I)")).isEqualTo("<=BE ReadyForQuery");
        assertThat(SideBySide.messageType("setAutoCommit = {0}")).isNull();
        assertThat(SideBySide.messageType(" FE=> ")).isNull();
    }

    @Test
    void jfrLibraries() {
        assertThat(JfrTop.library("io.replicarouter.bench.SideBySide.op")).isEqualTo("harness");
        assertThat(JfrTop.library("io.replicarouter.internal.jdbc.LogicalStatement.execute")).isEqualTo("router");
        assertThat(JfrTop.library("com.zaxxer.hikari.pool.HikariPool.getConnection")).isEqualTo("hikari");
        assertThat(JfrTop.library("org.postgresql.core.v3.QueryExecutorImpl.execute")).isEqualTo("pgjdbc");
        assertThat(JfrTop.library("java.util.HashMap.get")).isNull();
    }
}
