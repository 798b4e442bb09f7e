package io.replicarouter.bench;

import com.sun.management.ThreadMXBean;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingListener;
import io.replicarouter.bench.stub.StubDriver;
import io.replicarouter.spring.metrics.RoutingMetricsListener;

import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The statement cycle of {@link RoutingOverheadBenchmark} (stub driver, one thread) measured by the thread's own
 * CPU time and allocation per operation rather than by wall time: on a shared machine whose other processes take
 * the cores, a thread that is descheduled loses wall time but no CPU time, so the CPU figures stay comparable
 * while JMH's scatter by several times. Contenders run in rotated order for several rounds; each figure is the
 * median over the rounds, each ratio or difference the median of the per-round values.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.replicarouter.bench.CycleCpu [rounds] [ops per round]
 * </pre>
 * To compare another build of router-core under the same harness, put a jar of this class first on the class
 * path and that build's benchmark jar after it.
 */
public final class CycleCpu {

    private interface Op {
        long run() throws SQLException;
    }

    private record Contender(String name, Op op) {
    }

    private CycleCpu() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        StubDriver.register();
        List<HikariDataSource> pools = new ArrayList<>();
        HikariDataSource hikari = pool("baseline", pools);
        RoutingDataSource plain = router(pools, RoutingListener.NONE);
        RoutingDataSource noop = router(pools, new RoutingListener() {
        });
        RoutingDataSource metrics = router(pools, new RoutingMetricsListener());
        List<Contender> contenders = List.of(
                new Contender("hikariCycle", () -> RoutingOverheadBenchmark.cycle(hikari)),
                new Contender("routerCycle", () -> RoutingOverheadBenchmark.cycle(plain)),
                new Contender("routerCycleWithNoopListener", () -> RoutingOverheadBenchmark.cycle(noop)),
                new Contender("routerCycleWithMetrics", () -> RoutingOverheadBenchmark.cycle(metrics)),
                new Contender("clockPair", () -> {
                    long start = System.nanoTime();
                    return System.nanoTime() - start;
                }));
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        int k = contenders.size();
        double[][] cpu = new double[k][rounds];
        double[][] alloc = new double[k][rounds];
        long sink = 0;
        for (int r = -1; r < rounds; r++) { // round -1 warms every contender up and is not counted
            for (int j = 0; j < k; j++) {
                int c = Math.floorMod(j + r, k);
                Op op = contenders.get(c).op();
                int n = r < 0 ? ops / 2 : ops;
                long cpu0 = threads.getCurrentThreadCpuTime();
                long alloc0 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) {
                    sink += op.run();
                }
                long cpu1 = threads.getCurrentThreadCpuTime();
                long alloc1 = threads.getCurrentThreadAllocatedBytes();
                if (r >= 0) {
                    cpu[c][r] = (cpu1 - cpu0) / (double) n;
                    alloc[c][r] = (alloc1 - alloc0) / (double) n;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d rounds of %,d ops, thread CPU per op (median, min-max) and allocation%n",
                rounds, ops);
        for (int c = 0; c < k; c++) {
            double[] v = cpu[c].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "%-28s %7.1f ns/op (%.1f-%.1f)  %6.1f B/op%n", contenders.get(c).name(),
                    median(cpu[c]), v[0], v[v.length - 1], median(alloc[c]));
        }
        System.out.printf(Locale.ROOT, "ratio (hikariCycle ns / routerCycle ns, as ops/s router / Hikari): %.3f%n",
                median(perRound(cpu[0], cpu[1], true)));
        System.out.printf(Locale.ROOT, "routerCycle - hikariCycle: %.1f ns/op%n", median(perRound(cpu[1], cpu[0], false)));
        System.out.printf(Locale.ROOT, "noop listener - no listener: %.1f ns/op%n", median(perRound(cpu[2], cpu[1], false)));
        System.out.printf(Locale.ROOT, "metrics listener - no listener: %.1f ns/op%n",
                median(perRound(cpu[3], cpu[1], false)));
        System.out.println("(checksum " + sink + ")");
        plain.close();
        noop.close();
        metrics.close();
        pools.forEach(HikariDataSource::close);
    }

    private static double[] perRound(double[] a, double[] b, boolean ratio) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = ratio ? a[i] / b[i] : a[i] - b[i];
        }
        return out;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static RoutingDataSource router(List<HikariDataSource> pools, RoutingListener listener) {
        return RoutingDataSource.builder()
                .primary("primary", pool("primary", pools))
                .replica("replica1", pool("replica1", pools), 1)
                .replica("replica2", pool("replica2", pools), 1)
                .listener(listener)
                .build();
    }

    private static HikariDataSource pool(String name, List<HikariDataSource> pools) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:stub:" + name);
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(16);
        HikariDataSource ds = new HikariDataSource(config);
        pools.add(ds);
        return ds;
    }
}
