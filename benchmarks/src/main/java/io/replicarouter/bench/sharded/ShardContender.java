package io.replicarouter.bench.sharded;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.shardingsphere.LagAwareLoadBalanceAlgorithm;
import io.replicarouter.shardingsphere.ShardedDataSource;
import io.replicarouter.shardingsphere.ShardedRouting;
import org.apache.shardingsphere.driver.api.ShardingSphereDataSourceFactory;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.ReadwriteSplittingRuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.rule.ReadwriteSplittingDataSourceGroupRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.ShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.rule.ShardingTableRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.StandardShardingStrategyConfiguration;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A sharded DataSource over {@link TwoShards}, table {@code orders} by {@code user_id} ({@code ds_${user_id % 2}})
 * in each, every connection pool a fixed HikariCP pool of the same size per node:
 * <ul>
 *   <li>{@value #ROUTER}: {@link ShardedRouting} over one {@link RoutingDataSource} per shard (the router's
 *       defaults: READ_YOUR_WRITES, max-lag 1 s, 10 ms wait for a replica); {@link #sharded()} opens scopes;</li>
 *   <li>{@value #SS}: ShardingSphere's sharding rule over its own readwrite-splitting groups {@code ds_0}
 *       ({@code write_ds_0} + {@code read_ds_0}) and {@code ds_1}, {@code ROUND_ROBIN}, configured by its Java
 *       API;</li>
 *   <li>{@value #SS_LAG_AWARE}: the same with Replica Router's {@code LAG_AWARE} balancer (one per group, its own
 *       monitor from the group's URLs, max-lag 1 s as the router's).</li>
 * </ul>
 *
 * @param name    the contender's name in the report
 * @param sharded the router's ShardedDataSource ({@code null} for ShardingSphere's own splitting)
 * @param ds      what the workloads use
 * @param pools   every HikariCP pool the contender opened itself (the router's are inside its routers)
 * @param closers what {@link #close()} closes, in order
 */
public record ShardContender(String name, ShardedDataSource sharded, DataSource ds, List<HikariDataSource> pools,
                             List<AutoCloseable> closers) implements AutoCloseable {

    public static final String ROUTER = "router";
    public static final String SS = "ss-rw-splitting";
    public static final String SS_LAG_AWARE = "ss-lag-aware";

    /** Builds the contender named {@code name} with {@code poolSize} connections per node. */
    public static ShardContender open(String name, TwoShards shards, int poolSize) throws Exception {
        return switch (name) {
            case ROUTER -> router(shards, poolSize);
            case SS -> readwriteSplitting(SS, shards, poolSize, false);
            case SS_LAG_AWARE -> readwriteSplitting(SS_LAG_AWARE, shards, poolSize, true);
            default -> throw new IllegalArgumentException("no sharded contender named '" + name + "'; known: "
                    + List.of(ROUTER, SS, SS_LAG_AWARE));
        };
    }

    private static ShardContender router(TwoShards shards, int poolSize) throws Exception {
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            List<RoutingDataSource> routers = new ArrayList<>();
            for (int s = 0; s < TwoShards.SHARDS; s++) {
                ClusterNode p = shards.primary(s);
                RoutingDataSource r = RoutingDataSource.builder()
                        .primary(p.jdbcUrl(), p.username(), p.password())
                        .replica("s" + s + "-replica", shards.replica(s).jdbcUrl(), p.username(), p.password())
                        .poolSize(poolSize)
                        .build();
                routers.add(r);
                closers.add(r);
            }
            ShardedDataSource sharded = ShardedRouting.builder().databaseName("router_sharded")
                    .shard("ds_0", routers.get(0)).shard("ds_1", routers.get(1))
                    .table("orders", "user_id").build();
            closers.add(0, sharded); // ShardingSphere's side first, then the routers
            return new ShardContender(ROUTER, sharded, sharded, List.of(), closers);
        } catch (Exception | Error e) {
            closeAll(closers);
            throw e;
        }
    }

    private static ShardContender readwriteSplitting(String name, TwoShards shards, int poolSize, boolean lagAware)
            throws Exception {
        List<HikariDataSource> pools = new ArrayList<>();
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            Map<String, DataSource> dataSources = new LinkedHashMap<>();
            List<ReadwriteSplittingDataSourceGroupRuleConfiguration> groups = new ArrayList<>();
            Map<String, AlgorithmConfiguration> balancers = new LinkedHashMap<>();
            for (int s = 0; s < TwoShards.SHARDS; s++) {
                String write = "write_ds_" + s;
                String read = "read_ds_" + s;
                HikariDataSource w = pool(name + "-" + write, shards.primary(s), poolSize);
                pools.add(w);
                HikariDataSource r = pool(name + "-" + read, shards.replica(s), poolSize);
                pools.add(r);
                dataSources.put(write, w);
                dataSources.put(read, r);
                String lb = "lb_" + s;
                groups.add(new ReadwriteSplittingDataSourceGroupRuleConfiguration("ds_" + s, write, List.of(read), lb));
                Properties props = new Properties();
                if (lagAware) {
                    // the group's own monitor: a replica's lag is measured against its primary
                    ClusterNode p = shards.primary(s);
                    props.setProperty("url." + write, p.jdbcUrl());
                    props.setProperty("url." + read, shards.replica(s).jdbcUrl());
                    props.setProperty("username", p.username());
                    props.setProperty("password", p.password());
                }
                balancers.put(lb, new AlgorithmConfiguration(lagAware ? LagAwareLoadBalanceAlgorithm.TYPE
                        : "ROUND_ROBIN", props));
            }
            ReadwriteSplittingRuleConfiguration readwrite = new ReadwriteSplittingRuleConfiguration(groups, balancers);
            // the sharding table's data nodes are the readwrite-splitting groups' names
            ShardingRuleConfiguration sharding = new ShardingRuleConfiguration();
            ShardingTableRuleConfiguration orders = new ShardingTableRuleConfiguration("orders",
                    "ds_0.orders,ds_1.orders");
            orders.setDatabaseShardingStrategy(new StandardShardingStrategyConfiguration("user_id", "orders_by_user"));
            sharding.getTables().add(orders);
            Properties inline = new Properties();
            inline.setProperty("algorithm-expression", "ds_${user_id % 2}");
            sharding.getShardingAlgorithms().put("orders_by_user", new AlgorithmConfiguration("INLINE", inline));
            DataSource ds = ShardingSphereDataSourceFactory.createDataSource(name.replace('-', '_'), null, dataSources,
                    List.of(sharding, readwrite), new Properties());
            if (ds instanceof AutoCloseable c) {
                closers.add(c);
            }
            if (lagAware) {
                closers.add(LagAwareLoadBalanceAlgorithm::closeOwnedMonitors); // ShardingSphere never closes them
            }
            closers.addAll(pools);
            return new ShardContender(name, null, ds, List.copyOf(pools), closers);
        } catch (Exception | Error e) {
            closers.addAll(pools);
            closeAll(closers);
            throw e;
        }
    }

    /** A fixed HikariCP pool of {@code size} to {@code node} (minimumIdle = maximumPoolSize, HikariCP's default). */
    private static HikariDataSource pool(String name, ClusterNode node, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(node.jdbcUrl());
        config.setUsername(node.username());
        config.setPassword(node.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    /** Whether the contender has the router's scopes. */
    public boolean hasScopes() {
        return sharded != null;
    }

    @Override
    public void close() {
        closeAll(closers);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + " failed: " + e);
            }
        }
    }
}
