package io.replicarouter.shardingsphere;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import org.apache.shardingsphere.driver.api.ShardingSphereDataSourceFactory;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.ReadwriteSplittingRuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.rule.ReadwriteSplittingDataSourceGroupRuleConfiguration;
import org.apache.shardingsphere.single.config.SingleRuleConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ShardingSphere's own readwrite-splitting over a real primary and replica (HikariCP pools, as its docs configure
 * it), with the replica's replay paused until it lags beyond the limit: {@code ROUND_ROBIN} keeps reading the
 * paused replica and misses the writes just made; {@code LAG_AWARE} sends those reads to the primary. Both side by
 * side, each read checked against the value just written.
 */
class LagAwareIT {

    private static final Duration MAX_LAG = Duration.ofMillis(300);
    private static final AtomicLong IDS = new AtomicLong();

    private static EmbeddedCluster cluster;
    private static HikariDataSource write;
    private static HikariDataSource read;
    private static RoutingDataSource monitor;
    private static SharedTopologies.Registration registration;
    private static DataSource roundRobin;
    private static DataSource lagAware;
    private static DataSource lagAwareByUrl;

    @BeforeAll
    static void start() throws SQLException {
        cluster = EmbeddedCluster.builder().replicas(1).database("app").start();
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("create table kv (id bigint primary key, v text not null)");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(10));
        write = pool("write_ds", cluster.primary());
        read = pool("read_ds_0", cluster.replica(0));
        ClusterNode p = cluster.primary();
        monitor = RoutingDataSource.builder()
                .node("write_ds", p.jdbcUrl(), p.username(), p.password())
                .node("read_ds_0", cluster.replica(0).jdbcUrl(), p.username(), p.password())
                .maxLag(MAX_LAG).monitorInterval(Duration.ofMillis(100)).poolSize(1)
                .build();
        registration = SharedTopologies.register("lag-aware-it", monitor);
        roundRobin = readwriteSplitting("ROUND_ROBIN", new Properties());
        Properties shared = new Properties();
        shared.setProperty("router", "lag-aware-it");
        lagAware = readwriteSplitting(LagAwareLoadBalanceAlgorithm.TYPE, shared);
        Properties byUrl = new Properties();
        byUrl.setProperty("url.write_ds", p.jdbcUrl());
        byUrl.setProperty("url.read_ds_0", cluster.replica(0).jdbcUrl());
        byUrl.setProperty("username", p.username());
        byUrl.setProperty("password", p.password());
        byUrl.setProperty("max-lag", MAX_LAG.toMillis() + "ms");
        byUrl.setProperty("monitor-interval", "100ms");
        lagAwareByUrl = readwriteSplitting(LagAwareLoadBalanceAlgorithm.TYPE, byUrl);
    }

    private static HikariDataSource pool(String name, ClusterNode node) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(node.jdbcUrl());
        config.setUsername(node.username());
        config.setPassword(node.password());
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    /** ShardingSphere's readwrite-splitting over the two pools, configured as its Java API documents it. */
    private static DataSource readwriteSplitting(String loadBalancer, Properties props) throws SQLException {
        Map<String, DataSource> dataSources = new LinkedHashMap<>();
        dataSources.put("write_ds", write);
        dataSources.put("read_ds_0", read);
        ReadwriteSplittingDataSourceGroupRuleConfiguration group = new ReadwriteSplittingDataSourceGroupRuleConfiguration(
                "rw", "write_ds", List.of("read_ds_0"), "lb");
        ReadwriteSplittingRuleConfiguration rule = new ReadwriteSplittingRuleConfiguration(List.of(group),
                Map.of("lb", new AlgorithmConfiguration(loadBalancer, props)));
        return ShardingSphereDataSourceFactory.createDataSource("lag_" + loadBalancer.toLowerCase() + IDS.incrementAndGet(),
                null, dataSources, List.of(rule, new SingleRuleConfiguration(List.of("*.*"), null)), new Properties());
    }

    @AfterAll
    static void stop() throws Exception {
        for (DataSource d : new DataSource[] {roundRobin, lagAware, lagAwareByUrl}) {
            if (d instanceof AutoCloseable c) {
                c.close();
            }
        }
        LagAwareLoadBalanceAlgorithm.closeOwnedMonitors();
        if (registration != null) {
            registration.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (write != null) {
            write.close();
        }
        if (read != null) {
            read.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void healthy() {
        cluster.reset();
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    /** Writes a row and reads it back at once, {@code pairs} times; how many reads missed their row. */
    private static int stalePairs(DataSource ds, int pairs) throws SQLException {
        int stale = 0;
        for (int i = 0; i < pairs; i++) {
            long id = IDS.incrementAndGet();
            try (Connection c = ds.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("insert into kv (id, v) values (?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, "v" + id);
                    ps.executeUpdate();
                }
            }
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("select v from kv where id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !("v" + id).equals(rs.getString(1))) {
                        stale++;
                    }
                }
            }
        }
        return stale;
    }

    private static void awaitEjected() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (monitor.topology().readReplicas().contains("read_ds_0")) {
            // keep the primary writing, so the paused replica's time lag grows
            try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
                s.execute("insert into kv (id, v) values (" + IDS.incrementAndGet() + ", 'tick')");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the paused replica was not taken out of rotation: " + monitor.topology());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void withHealthyReplicasBothReadTheReplica() throws Exception {
        Thread.sleep(MAX_LAG.toMillis());
        assertThat(monitor.topology().readReplicas()).containsExactly("read_ds_0");
        LagAwareLoadBalanceAlgorithm algorithm = new LagAwareLoadBalanceAlgorithm();
        Properties props = new Properties();
        props.setProperty("router", "lag-aware-it");
        algorithm.init(props);
        assertThat(algorithm.getTargetName("rw", List.of("read_ds_0"))).isEqualTo("read_ds_0");
    }

    @Test
    void lagAwareSkipsAPausedReplicaWhileRoundRobinReadsIt() throws Exception {
        cluster.pauseReplay(cluster.replica(0));
        try {
            awaitEjected();
            Thread.sleep(300); // the by-URL algorithm's own monitor, and the 20 ms reuse of the readable set
            int pairs = 20;
            int roundRobinStale = stalePairs(roundRobin, pairs);
            int lagAwareStale = stalePairs(lagAware, pairs);
            int byUrlStale = stalePairs(lagAwareByUrl, pairs);
            assertThat(roundRobinStale).as("ROUND_ROBIN reads the paused replica").isEqualTo(pairs);
            assertThat(lagAwareStale).as("LAG_AWARE (shared router)").isZero();
            assertThat(byUrlStale).as("LAG_AWARE (its own monitor from URLs)").isZero();
        } finally {
            cluster.resumeReplay(cluster.replica(0));
        }
    }
}
