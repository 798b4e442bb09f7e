package io.replicarouter.bench;

import io.replicarouter.bench.sharded.PkReads;
import io.replicarouter.bench.sharded.ShardContender;
import io.replicarouter.bench.sharded.StalePairs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sharded side-by-side run in {@code --quick} mode on two real embedded clusters: every contender's phases ran
 * without an error, the report has every row, and the router's scoped reads after writes are never stale, with
 * natural lag and with replay paused on shard 1's replica, where ShardingSphere's ROUND_ROBIN misses every write to
 * that shard.
 */
class ShardedSideBySideIT {

    static ShardedSideBySide.Result result;

    @BeforeAll
    static void run() throws Exception {
        result = ShardedSideBySide.run(ShardedSideBySide.Settings.smoke());
    }

    private static final List<String> CONTENDERS = List.of(ShardContender.ROUTER, ShardContender.SS,
            ShardContender.SS_LAG_AWARE);
    private static final List<String> STALE_ROWS = List.of(ShardedSideBySide.SCOPED, ShardedSideBySide.UNSCOPED,
            ShardedSideBySide.SS_PLAIN, ShardedSideBySide.SS_LAG_AWARE);

    @Test
    void everyContenderRanEveryRoundOnTheReplicasWithoutAnError() {
        int rounds = result.settings().rounds();
        assertThat(result.phases()).hasSize(rounds * CONTENDERS.size());
        for (PkReads.Phase p : result.phases()) {
            assertThat(p.ops()).as("%s %s", p.contender(), p.label()).isPositive();
            assertThat(p.errors()).as("%s %s: %s", p.contender(), p.label(), p.firstError()).isZero();
            assertThat(p.sampled()).as("%s %s", p.contender(), p.label()).isPositive();
        }
        // ROUND_ROBIN over one read data source per group: every read on a replica, nothing written meanwhile
        result.phases().stream().filter(p -> p.contender().equals(ShardContender.SS))
                .forEach(p -> assertThat(p.onReplica()).isEqualTo(p.sampled()));
        result.phases().stream().filter(p -> p.contender().equals(ShardContender.ROUTER))
                .forEach(p -> assertThat(p.replicaPercent()).as("router: autocommit reads on the replicas")
                        .isGreaterThan(50));
        assertThat(result.ratioVsSs()).containsOnlyKeys(CONTENDERS);
        assertThat(result.ratioVsSs().get(ShardContender.SS)).isEqualTo(1.0);
        assertThat(result.ratioVsSs().get(ShardContender.ROUTER)).isPositive();
    }

    @Test
    void theRoutersScopedReadsAfterWritesAreNeverStale() {
        for (String variant : List.of(ShardedSideBySide.NATURAL, ShardedSideBySide.PAUSED)) {
            for (int threads : new int[] {1, result.settings().pairThreads()}) {
                StalePairs.Run r = result.stale(variant, ShardedSideBySide.SCOPED, threads);
                assertThat(r.errors()).as("%s, %d threads: %s", variant, threads, r.firstError()).isZero();
                assertThat(r.pairs()).isEqualTo(result.settings().pairs());
                assertThat(r.stale()).as("scoped, %s, %d threads", variant, threads).isZero();
            }
        }
        // paused: shard 1's scoped reads went to its primary, shard 0's still read its replica
        StalePairs.Run paused = result.stale(ShardedSideBySide.PAUSED, ShardedSideBySide.SCOPED, 1);
        assertThat(paused.onReplica()).isPositive().isLessThanOrEqualTo(paused.pairs() / 2);
    }

    @Test
    void shardingSpheresRoundRobinMissesEveryWriteToThePausedShard() {
        for (int threads : new int[] {1, result.settings().pairThreads()}) {
            StalePairs.Run r = result.stale(ShardedSideBySide.PAUSED, ShardedSideBySide.SS_PLAIN, threads);
            assertThat(r.errors()).as(r.firstError()).isZero();
            assertThat(r.staleShard1()).as("every pair on shard 1 read the paused replica").isEqualTo(r.pairs() / 2);
        }
    }

    @Test
    void theReportHasEveryRow() {
        String md = result.markdown();
        for (String c : CONTENDERS) {
            for (int round = 1; round <= result.settings().rounds(); round++) {
                assertThat(md).contains("| round " + round + "/" + result.settings().rounds() + " | " + c + " | ");
            }
            assertThat(md).containsPattern("\\| " + c + " \\| [0-9,]+ \\| \\*\\*[0-9.]+×\\*\\* \\|");
        }
        for (String variant : List.of(ShardedSideBySide.NATURAL, ShardedSideBySide.PAUSED)) {
            for (String row : STALE_ROWS) {
                for (int threads : new int[] {1, result.settings().pairThreads()}) {
                    assertThat(md).contains("| " + variant + " | " + row + " | " + threads + " | ");
                }
            }
        }
        assertThat(md).contains("fsync=on", "synchronous_commit=on", "others");
    }
}
