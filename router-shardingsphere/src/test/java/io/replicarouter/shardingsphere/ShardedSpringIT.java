package io.replicarouter.shardingsphere;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingGroup;
import io.replicarouter.spring.ReplicaRouterAutoConfiguration;
import io.replicarouter.spring.RoutingDataSources;
import io.replicarouter.spring.scope.ReplicaRouterScopeAutoConfiguration;
import io.replicarouter.embedded.EmbeddedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring Boot configuration docs/sharding.md shows, in a real context over two shard groups: the sharded
 * DataSource is the application's one DataSource (the starter's single router backs off), each group's router is
 * configured by the starter's properties under its own prefix, JdbcTemplate writes land on their shard's primary,
 * {@code readOnly} transactions read from that shard's replica, and one scope over both shards reads a write back
 * with replay paused. Bad values fail the start naming the shard's property.
 */
class ShardedSpringIT {

    private static ShardGroups groups;
    private static final List<ShardGroups.Recorder> recorders = new ArrayList<>();

    /** The configuration of docs/sharding.md, with a listener per shard for the assertions. */
    @Configuration(proxyBeanMethods = false)
    static class ShardingConfiguration {

        @Bean(destroyMethod = "close")
        ShardedDataSource dataSource(Environment env) throws SQLException {
            return ShardedRouting.builder()
                    .shard("ds_0", () -> RoutingDataSources.fromProperties(env, "shards.ds-0",
                            b -> b.listener(recorders.get(0))))
                    .shard("ds_1", () -> RoutingDataSources.fromProperties(env, "shards.ds-1",
                            b -> b.listener(recorders.get(1))))
                    .table("orders", "user_id")
                    .build();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                    ReplicaRouterScopeAutoConfiguration.class, DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
            .withUserConfiguration(ShardingConfiguration.class);

    @BeforeAll
    static void start() throws SQLException {
        groups = new ShardGroups(2);
        recorders.add(new ShardGroups.Recorder());
        recorders.add(new ShardGroups.Recorder());
    }

    @AfterAll
    static void stop() {
        if (groups != null) {
            groups.close();
        }
    }

    @BeforeEach
    void healthy() {
        groups.reset();
        recorders.forEach(ShardGroups.Recorder::drain);
    }

    private String[] properties() {
        List<String> p = new ArrayList<>();
        p.add("spring.datasource.username=" + groups.primary(0).username());
        p.add("spring.datasource.password=" + groups.primary(0).password());
        p.add("replica-router.max-lag=1h");
        p.add("replica-router.max-lag-bytes=1GB");
        for (int i = 0; i < 2; i++) {
            EmbeddedCluster c = groups.clusters.get(i);
            p.add("shards.ds-" + i + ".url=" + c.primary().jdbcUrl());
            p.add("shards.ds-" + i + ".replicas[0].url=" + c.replica(0).jdbcUrl());
            p.add("shards.ds-" + i + ".replicas[0].name=s" + i + "-replica");
        }
        p.add("shards.ds-1.pool-size=3"); // a setting of one group only
        return p.toArray(String[]::new);
    }

    @Test
    void theShardedDataSourceIsTheApplicationsOneAndRoutesPerShard() {
        runner.withPropertyValues(properties()).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(DataSource.class)).containsOnlyKeys("dataSource");
            assertThat(context.getBeansOfType(RoutingDataSource.class)).as("the starter's router backed off").isEmpty();
            ShardedDataSource sharded = context.getBean(ShardedDataSource.class);
            assertThat(sharded.group().members().get("ds_1").settings().poolSize()).isEqualTo(3);
            assertThat(sharded.group().members().get("ds_0").settings().poolSize()).isEqualTo(10);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            recorders.forEach(ShardGroups.Recorder::drain); // ShardingSphere's start-up reads of the metadata
            jdbc.update("insert into orders (user_id, id, item) values (?, ?, ?)", 10L, 1L, "spring-0");
            jdbc.update("insert into orders (user_id, id, item) values (?, ?, ?)", 11L, 2L, "spring-1");
            assertThat(recorders.get(0).drain()).containsExactly("primary:WRITE");
            assertThat(recorders.get(1).drain()).containsExactly("primary:WRITE");
            groups.catchUp();
            TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            readOnly.setReadOnly(true);
            String item = readOnly.execute(tx -> jdbc.queryForObject(
                    "select item from orders where user_id = ? and id = ?", String.class, 11L, 2L));
            assertThat(item).isEqualTo("spring-1");
            assertThat(recorders.get(1).drain()).containsExactly("s1-replica:TX_READ_ONLY");
            assertThat(recorders.get(0).drain()).isEmpty();

            groups.pauseReplay(0);
            try (RoutingGroup.Scope scope = sharded.openScope()) {
                jdbc.update("update orders set item = ? where user_id = ? and id = ?", "changed", 10L, 1L);
                assertThat(jdbc.queryForObject("select item from orders where user_id = ? and id = ?",
                        String.class, 10L, 1L)).isEqualTo("changed");
            }
            assertThat(jdbc.queryForObject("select item from orders where user_id = ? and id = ?", String.class,
                    10L, 1L)).as("the control: outside the scope, the paused replica").isEqualTo("spring-0");
        });
    }

    @Test
    void closingTheContextClosesTheShardsRouters() {
        List<ShardedDataSource> seen = new ArrayList<>();
        runner.withPropertyValues(properties()).run(context -> seen.add(context.getBean(ShardedDataSource.class)));
        RoutingDataSource ds0 = seen.get(0).group().members().get("ds_0");
        assertThat(ds0.pool("primary")).hasValueSatisfying(pool -> assertThat(pool.getTotalConnections()).isZero());
        assertThat(org.assertj.core.api.Assertions.catchThrowable(ds0::getConnection))
                .hasMessageContaining("closed");
    }

    /** Client connections to shard 0's primary other than this one. */
    private static long connectionsToShard0() throws SQLException {
        try (java.sql.Connection c = groups.primary(0).connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where backend_type ="
                     + " 'client backend' and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aBadValueOfOneShardFailsTheStartNamingItsPropertyAndLeaksNoPool() throws Exception {
        long before = connectionsToShard0();
        runner.withPropertyValues(properties()).withPropertyValues("shards.ds-1.max-lag=2d").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("shards.ds-1.max-lag");
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (connectionsToShard0() > before && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
        assertThat(connectionsToShard0()).as("shard 0's router, made before shard 1's failed, was closed")
                .isEqualTo(before);
        runner.withPropertyValues(properties()).withPropertyValues("shards.ds-1.maxLag=3d").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).as("a relaxed name is named as the property")
                    .hasStackTraceContaining("'3d' for configuration property 'shards.ds-1.max-lag'");
        });
        runner.withPropertyValues(properties()).withPropertyValues("shards.ds-0.replicas[1].name=x").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("shards.ds-0.replicas[1].url");
        });
    }
}
