package io.replicarouter.spring.metrics;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.replicarouter.NodeSnapshot;
import io.replicarouter.RoutingDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Registers the router's meters: the event counters of a {@link RoutingMetricsListener} (function counters and
 * function timers over its adders, so recording never touches the registry), gauges per node read from
 * {@link RoutingDataSource#topology()} at each scrape ({@code replica.router.lag} in seconds,
 * {@code replica.router.lag.bytes}, {@code replica.router.node.serving}), and HikariCP's own pool metrics
 * ({@code hikaricp.*}, tag {@code pool} = the pool's name) for every node's pool.
 */
public final class RoutingMeterBinder implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(RoutingMeterBinder.class);

    private final RoutingDataSource router;
    private final RoutingMetricsListener listener;
    private final boolean poolMetrics;

    /**
     * @param listener    the counters to export, {@code null} for the gauges only
     * @param poolMetrics whether to give every node's HikariCP pool a Micrometer metrics tracker
     */
    public RoutingMeterBinder(RoutingDataSource router, RoutingMetricsListener listener, boolean poolMetrics) {
        this.router = router;
        this.listener = listener;
        this.poolMetrics = poolMetrics;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (listener != null) {
            listener.subscribe(cell -> register(registry, cell));
        }
        for (String node : router.topology().nodeNames()) {
            gauge(registry, "replica.router.lag", node, "seconds",
                    "Replication lag of the node in time as last measured (0 for the primary; NaN when unknown)",
                    n -> n.lag() == null ? Double.NaN : n.lag().toNanos() / 1e9);
            gauge(registry, "replica.router.lag.bytes", node, "bytes",
                    "Replication lag of the node in bytes of WAL as last measured (0 for the primary; NaN when"
                            + " unknown)", n -> n.lagBytes() < 0 ? Double.NaN : n.lagBytes());
            gauge(registry, "replica.router.node.serving", node, null,
                    "1 while the node takes its role's traffic (SERVING or SLOW_START), else 0",
                    n -> n.takesTraffic() ? 1 : 0);
            if (poolMetrics) {
                trackPool(registry, node);
            }
        }
    }

    private void gauge(MeterRegistry registry, String name, String node, String unit, String description,
                       ToDoubleFunction<NodeSnapshot> value) {
        Gauge.builder(name, router, r -> r.topology().node(node).map(value::applyAsDouble).orElse(Double.NaN))
                .tag("node", node).baseUnit(unit).description(description).strongReference(true).register(registry);
    }

    /**
     * HikariCP's own metrics for one node's pool. Spring Boot's pool metrics do not see these pools (the
     * application's DataSource is the router, not a HikariDataSource), so the tracker is given to each pool here,
     * through the pool that {@link RoutingDataSource#pool(String)} returns.
     */
    private void trackPool(MeterRegistry registry, String node) {
        Optional<HikariPoolMXBean> pool = router.pool(node);
        if (pool.isPresent() && pool.get() instanceof HikariPool hikari) {
            try {
                hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
            } catch (RuntimeException e) {
                log.warn("no HikariCP metrics for the pool of node {}: {}", node, e.getMessage());
            }
        }
    }

    static void register(MeterRegistry registry, RoutingMetricsListener.Cell cell) {
        Tags tags = Tags.of(cell.tags().toArray(String[]::new));
        if (cell.timer()) {
            FunctionTimer.builder(cell.name(), cell, c -> c.count().sum(), c -> c.totalNanos().sum(),
                    TimeUnit.NANOSECONDS).tags(tags).description(cell.description()).register(registry);
        } else {
            FunctionCounter.builder(cell.name(), cell, c -> c.count().sum()).tags(tags)
                    .description(cell.description()).register(registry);
        }
    }

    @Override
    public String toString() {
        return "RoutingMeterBinder[" + router + "]";
    }
}
