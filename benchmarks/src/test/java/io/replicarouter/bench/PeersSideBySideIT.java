package io.replicarouter.bench;

import io.replicarouter.bench.peers.Contender;
import io.replicarouter.bench.peers.Contenders;
import io.replicarouter.bench.peers.Pools;
import io.replicarouter.bench.report.Report;
import io.replicarouter.bench.report.RunResults;
import io.replicarouter.bench.workload.PhaseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The side-by-side run in smoke mode on a real embedded 1+2 cluster: every contender and every workload for a
 * fraction of a second, so that CI knows the command works, its results are checked and its files are written.
 */
class PeersSideBySideIT {

    @TempDir
    static Path out;

    static RunResults results;
    static Report.Files files;

    @BeforeAll
    static void run() throws Exception {
        // E kills a replica: with HikariCP's 30 s default, a round-robin peer's borrow from the dead node's pool
        // would stall the phase that long. All pools get the same shorter timeout here.
        System.setProperty(Pools.CONNECTION_TIMEOUT_PROPERTY, "2000");
        try {
            results = PeersSideBySide.run(PeersSideBySide.Settings.smoke(out), Contenders.all());
        } finally {
            System.clearProperty(Pools.CONNECTION_TIMEOUT_PROPERTY);
        }
        files = Report.write(results, out);
    }

    private static List<String> names() {
        return Contenders.all().stream().map(Contender::name).toList();
    }

    @Test
    void everyContenderRanEveryWorkloadWithoutAnError() {
        for (Map.Entry<Integer, Map<String, List<PhaseResult>>> e : results.point().entrySet()) {
            assertThat(e.getValue().keySet()).containsExactlyInAnyOrderElementsOf(names());
        }
        assertThat(results.otherWorkloads()).containsExactly(RunResults.B_HEALTHY, RunResults.B_PAUSED,
                "D read-only tx", "D 95/5 mix, 500 users/thread", "D 95/5 mix, 1 user/thread", "E replica killed");
        for (PhaseResult p : results.allPhases()) {
            assertThat(p.ops()).as("%s on %s", p.contender(), p.workload()).isPositive();
            if (!p.workload().startsWith("E")) {
                assertThat(p.errors()).as("%s on %s: %s", p.contender(), p.workload(), p.firstError()).isZero();
            }
        }
        assertThat(results.firstQuery().keySet()).containsExactlyInAnyOrderElementsOf(names());
        // The peers' first query must work in a fresh JVM. The router's is recorded either way: under heavy load
        // its start-up probes can time out (see docs/benchmarks.md), and the report shows the failure.
        results.firstQuery().forEach((name, t) -> {
            assertThat(t).as(name).hasSize(1);
            if (!name.startsWith("router-")) {
                assertThat(t.get(0).error()).as(name).isNull();
                assertThat(t.get(0).sinceJvmStartMillis()).as(name).isPositive();
            }
        });
    }

    @Test
    void readsPerNodeAreExact() {
        Map<String, List<PhaseResult>> oneThread = results.point().get(1);
        PhaseResult primary = oneThread.get("hikari-primary").get(0);
        assertThat(primary.readsPerNode()[0]).isEqualTo(primary.ops());
        assertThat(primary.readsPerNode()[1] + primary.readsPerNode()[2]).isZero();
        PhaseResult replica = oneThread.get(Contenders.BASELINE).get(0);
        assertThat(replica.readsPerNode()[1]).isEqualTo(replica.ops());
        PhaseResult router = oneThread.get("router-eventual").get(0);
        assertThat(router.reads()).isEqualTo(router.ops());
        assertThat(router.readsPerNode()[0]).as("router reads on the primary").isZero();
        assertThat(router.readsPerNode()[1]).isPositive();
        assertThat(router.readsPerNode()[2]).isPositive();
    }

    @Test
    void staleReadsAreCountedAndReadYourWritesHasNone() {
        PhaseResult naive = results.other(RunResults.B_PAUSED, Contenders.BASELINE).orElseThrow();
        assertThat(naive.checkedAfterWrite()).isPositive();
        assertThat(naive.stale()).as("a replica whose replay is paused never shows the write")
                .isEqualTo(naive.checkedAfterWrite());
        PhaseResult primary = results.other(RunResults.B_PAUSED, "hikari-primary").orElseThrow();
        assertThat(primary.stale()).isZero();
        assertThat(primary.postWriteOnReplica()).isZero();
        for (String w : List.of(RunResults.B_HEALTHY, RunResults.B_PAUSED)) {
            PhaseResult ryw = results.other(w, "router-ryw").orElseThrow();
            assertThat(ryw.checkedAfterWrite()).isPositive();
            assertThat(ryw.stale()).as("READ_YOUR_WRITES on %s", w).isZero();
        }
        PhaseResult mix = results.other("D 95/5 mix, 1 user/thread", "router-ryw").orElseThrow();
        assertThat(mix.stale()).isZero();
    }

    @Test
    void theKilledReplicaIsRecordedForEveryContender() {
        for (String name : names()) {
            PhaseResult e = results.other("E replica killed", name).orElseThrow();
            assertThat(e.eventNanos()).as(name).isPositive();
        }
    }

    @Test
    void theReportFilesAreWritten() throws Exception {
        assertThat(files.markdown()).exists();
        String md = Files.readString(files.markdown());
        assertThat(md).contains("## A: prepared primary-key select", "## C: time to first query",
                "## Targets of issue 10", "others' CPU share", "router-ryw", "shardingsphere", "aws-wrapper");
        for (Path png : List.of(files.throughputChart(), files.staleChart())) {
            byte[] head = Files.readAllBytes(png);
            assertThat(head.length).isGreaterThan(1000);
            assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }
}
