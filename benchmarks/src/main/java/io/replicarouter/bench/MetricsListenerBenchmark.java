package io.replicarouter.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingListener;
import io.replicarouter.bench.stub.StubDriver;
import io.replicarouter.spring.metrics.RoutingMeterBinder;
import io.replicarouter.spring.metrics.RoutingMetricsListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Cost of the Spring Boot starter's metrics listener ({@code replica.router.*} meters) per statement: the same
 * statement cycle as {@link RoutingOverheadBenchmark} on a router without a listener and on one with the
 * {@link RoutingMetricsListener} bound to a Micrometer registry, over the stub driver (no I/O, so the difference is
 * all listener); between them a router with a listener that does nothing (the router's own cost of reporting
 * events: timing each statement, guarding the listener); and one executed event handed to the listener alone.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar MetricsListener -t 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class MetricsListenerBenchmark {

    private HikariDataSource[] pools;
    private RoutingDataSource plain;
    private RoutingDataSource measured;
    private RoutingDataSource noop;
    private RoutingMetricsListener listener;
    private SimpleMeterRegistry registry;

    @Setup(Level.Trial)
    public void setUp() {
        StubDriver.register();
        pools = new HikariDataSource[] {pool("primary"), pool("replica1"), pool("replica2"), pool("primary"),
                pool("replica1"), pool("replica2"), pool("primary"), pool("replica1"), pool("replica2")};
        plain = router(0, null);
        noop = router(6, new RoutingListener() {
        });
        listener = new RoutingMetricsListener();
        measured = router(3, listener);
        registry = new SimpleMeterRegistry();
        new RoutingMeterBinder(measured, listener, false).bindTo(registry);
        try {
            RoutingOverheadBenchmark.cycle(measured);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        if (listener.statements("replica1").isEmpty() && listener.statements("replica2").isEmpty()) {
            throw new IllegalStateException("the listener counted no replica read: the benchmark would measure"
                    + " another path");
        }
    }

    private RoutingDataSource router(int first, RoutingListener events) {
        var b = RoutingDataSource.builder()
                .primary("primary", pools[first])
                .replica("replica1", pools[first + 1], 1)
                .replica("replica2", pools[first + 2], 1);
        if (events != null) {
            b.listener(events);
        }
        return b.build();
    }

    private static HikariDataSource pool(String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:stub:" + name);
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(16);
        return new HikariDataSource(config);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        plain.close();
        noop.close();
        measured.close();
        for (HikariDataSource p : pools) {
            p.close();
        }
    }

    @Benchmark
    public long routerCycle() throws SQLException {
        return RoutingOverheadBenchmark.cycle(plain);
    }

    /** A listener that does nothing: what the router itself spends on events (timing, guarding) once one is set. */
    @Benchmark
    public long routerCycleWithNoopListener() throws SQLException {
        return RoutingOverheadBenchmark.cycle(noop);
    }

    @Benchmark
    public long routerCycleWithMetrics() throws SQLException {
        return RoutingOverheadBenchmark.cycle(measured);
    }

    /**
     * The two clock reads the router takes per attempt once a listener is set ({@code System.nanoTime()} before and
     * after): the floor of what reporting an execution can cost on this machine's clock source.
     */
    @Benchmark
    public long clockPair() {
        long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    /** One executed event, as the router hands it over after a replica read. */
    @Benchmark
    public void executedEvent() {
        listener.executed("replica1", RouteReason.READ, false, 1_000, null, 1);
    }
}
