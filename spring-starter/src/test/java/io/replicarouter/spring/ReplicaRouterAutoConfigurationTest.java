package io.replicarouter.spring;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.Consistency;
import io.replicarouter.ConsistencyScope;
import io.replicarouter.NodeRole;
import io.replicarouter.NodeSnapshot;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.TopologySnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.util.ReflectionTestUtils;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration without servers: conditions and back-off, what reaches the builder, and every refused value
 * as a start-up failure naming the property. Nodes point at 127.0.0.1 port 1, where nothing listens (the router
 * starts while its nodes are down).
 */
class ReplicaRouterAutoConfigurationTest {

    private static final String PRIMARY = "jdbc:postgresql://127.0.0.1:1/app";
    private static final String REPLICA = "jdbc:postgresql://127.0.0.1:1/app?ApplicationName=r";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                    DataSourceAutoConfiguration.class, DataSourceInitializationAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=" + PRIMARY, "spring.datasource.username=app",
                    "spring.datasource.password=pw", "replica-router.probe-timeout=200ms");

    private final ApplicationContextRunner withReplica = runner.withPropertyValues(
            "replica-router.replicas[0].url=" + REPLICA);

    @Test
    void withoutReplicasOrNodesTheStarterChangesNothing() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(RoutingDataSource.class)
                    .doesNotHaveBean(RouterNodes.class);
            assertThat(context).getBean(DataSource.class).isInstanceOf(HikariDataSource.class);
        });
    }

    @Test
    void disabledLeavesBootsDataSource() {
        withReplica.withPropertyValues("replica-router.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(RoutingDataSource.class);
            assertThat(context).getBean(DataSource.class).isInstanceOf(HikariDataSource.class);
        });
    }

    @Test
    void anApplicationDataSourceMakesTheStarterBackOffEntirely() {
        withReplica.withBean("myDataSource", DataSource.class, () -> {
            HikariDataSource ds = new HikariDataSource();
            ds.setJdbcUrl(PRIMARY);
            return ds;
        }).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DataSource.class)
                    .doesNotHaveBean(RoutingDataSource.class).doesNotHaveBean(RouterNodes.class)
                    .doesNotHaveBean(FlywayConnectionDetails.class);
            assertThat(context).getBean(DataSource.class).isInstanceOf(HikariDataSource.class);
        });
    }

    @Test
    void withReplicasTheRouterIsTheOneDataSourceAndBootsJdbcUsesIt() {
        withReplica.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DataSource.class);
            RoutingDataSource router = context.getBean(RoutingDataSource.class);
            assertThat(context.getBean(DataSource.class)).isSameAs(router);
            assertThat(context.getBean(JdbcTemplate.class).getDataSource()).isSameAs(router);
            TopologySnapshot topology = router.topology();
            assertThat(topology.nodeNames()).containsExactly("primary", "replica1");
        });
    }

    @Test
    void theRouterIsClosedWithTheContext() {
        List<RoutingDataSource> seen = new ArrayList<>();
        withReplica.run(context -> seen.add(context.getBean(RoutingDataSource.class)));
        assertThat(seen).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> seen.get(0).getConnection())
                .hasMessageContaining("closed");
    }

    @Test
    void nodesPropertiesReachTheBuilder() {
        runner.withPropertyValues(
                "spring.application.name=shop",
                "replica-router.replicas[0].name=east", "replica-router.replicas[0].url=" + REPLICA,
                "replica-router.replicas[0].weight=3",
                "replica-router.replicas[0].hikari.maximum-pool-size=7",
                "replica-router.replicas[1].url=" + REPLICA, "replica-router.replicas[1].username=other",
                "replica-router.replicas[1].hikari.pool-name=custom-west",
                "replica-router.balancer=weighted",
                "replica-router.pool-size=5",
                "spring.datasource.hikari.connection-timeout=1500",
                "spring.datasource.hikari.pool-name=ignored-shared-name",
                "spring.datasource.hikari.jdbc-url=jdbc:postgresql://127.0.0.1:2/ignored",
                "spring.datasource.hikari.data-source-properties.socketTimeout=33"
        ).run(context -> {
            assertThat(context).hasNotFailed();
            RoutingDataSource router = context.getBean(RoutingDataSource.class);
            TopologySnapshot t = router.topology();
            assertThat(t.nodeNames()).containsExactly("primary", "east", "replica2");
            assertThat(t.node("east").map(NodeSnapshot::weight)).contains(3);
            assertThat(t.node("replica2").map(NodeSnapshot::weight)).contains(1);

            HikariConfigMXBean primary = router.poolConfig("primary").orElseThrow();
            HikariConfigMXBean east = router.poolConfig("east").orElseThrow();
            HikariConfigMXBean west = router.poolConfig("replica2").orElseThrow();
            assertThat(primary.getPoolName()).isEqualTo("shop-primary");
            assertThat(east.getPoolName()).isEqualTo("shop-east");
            assertThat(west.getPoolName()).isEqualTo("custom-west");
            assertThat(primary.getMaximumPoolSize()).isEqualTo(5);       // replica-router.pool-size
            assertThat(east.getMaximumPoolSize()).isEqualTo(7);          // its own hikari.*
            assertThat(west.getMaximumPoolSize()).isEqualTo(5);
            for (HikariConfigMXBean pool : List.of(primary, east, west)) {
                assertThat(pool.getConnectionTimeout()).isEqualTo(1500); // spring.datasource.hikari.* on every pool
            }
            HikariDataSource eastPool = pool(router, "east");
            assertThat(eastPool.getJdbcUrl()).isEqualTo(REPLICA);     // never the shared jdbc-url
            assertThat(eastPool.getUsername()).isEqualTo("app");      // the primary's login by default
            assertThat(eastPool.getPassword()).isEqualTo("pw");
            assertThat(eastPool.getDataSourceProperties()).containsEntry("socketTimeout", "33");
            assertThat(pool(router, "replica2").getUsername()).isEqualTo("other");
            assertThat(pool(router, "replica2").getPassword()).isNull(); // its own login: no password given
            assertThat(pool(router, "primary").getJdbcUrl()).isEqualTo(PRIMARY);
        });
    }

    /** The router's pool of a node (HikariCP's MXBean has no URL): read from the engine for this test only. */
    private static HikariDataSource pool(RoutingDataSource router, String node) {
        Object holder = ReflectionTestUtils.getField(router, "holder");
        Object topology = ReflectionTestUtils.invokeMethod(holder, "get");
        List<?> all = ReflectionTestUtils.invokeMethod(topology, "all");
        for (Object n : all) {
            if (node.equals(ReflectionTestUtils.invokeMethod(n, "name"))) {
                return (HikariDataSource) ReflectionTestUtils.invokeMethod(n, "pool");
            }
        }
        throw new AssertionError("no node " + node);
    }

    @Test
    void withoutAnApplicationNameThePoolsAreNamedAsTheRouterNamesThem() {
        withReplica.run(context -> {
            RoutingDataSource router = context.getBean(RoutingDataSource.class);
            assertThat(router.poolConfig("primary").orElseThrow().getPoolName()).isEqualTo("replica-router-primary");
            assertThat(router.poolConfig("replica1").orElseThrow().getPoolName())
                    .isEqualTo("replica-router-replica1");
        });
    }

    @Test
    void consistencyReachesTheBuilder() {
        withReplica.withPropertyValues("replica-router.consistency=monotonic").run(context -> {
            try (ConsistencyScope scope = context.getBean(RoutingDataSource.class).openScope()) {
                assertThat(scope.level()).isEqualTo(Consistency.MONOTONIC);
            }
        });
        withReplica.run(context -> {
            try (ConsistencyScope scope = context.getBean(RoutingDataSource.class).openScope()) {
                assertThat(scope.level()).isEqualTo(Consistency.READ_YOUR_WRITES);
            }
        });
    }

    @Test
    void discoveredNodesTakeTheirNamesAndThePrimarysLogin() {
        runner.withPropertyValues("replica-router.nodes[0].url=" + PRIMARY, "replica-router.nodes[1].url=" + REPLICA,
                "replica-router.nodes[1].name=b").run(context -> {
            assertThat(context).hasNotFailed();
            RoutingDataSource router = context.getBean(RoutingDataSource.class);
            assertThat(router.topology().nodeNames()).containsExactly("node1", "b");
            assertThat(pool(router, "b").getUsername()).isEqualTo("app");
        });
    }

    @Test
    void customizersRunInOrderAfterTheProperties() {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        withReplica.withPropertyValues("replica-router.consistency=monotonic")
                .withBean("second", RoutingDataSourceCustomizer.class, () -> new Second(calls))
                .withBean("first", RoutingDataSourceCustomizer.class, () -> new First(calls))
                .run(context -> {
                    assertThat(calls).containsExactly("first", "second");
                    try (ConsistencyScope scope = context.getBean(RoutingDataSource.class).openScope()) {
                        assertThat(scope.level()).isEqualTo(Consistency.EVENTUAL); // the customizer wins
                    }
                });
    }

    @Order(1)
    record First(List<String> calls) implements RoutingDataSourceCustomizer {
        @Override
        public void customize(io.replicarouter.RoutingDataSourceBuilder builder) {
            calls.add("first");
            builder.consistency(Consistency.STRONG);
        }
    }

    @Order(2)
    record Second(List<String> calls) implements RoutingDataSourceCustomizer {
        @Override
        public void customize(io.replicarouter.RoutingDataSourceBuilder builder) {
            calls.add("second");
            builder.consistency(Consistency.EVENTUAL);
        }
    }

    @Test
    void theApplicationsJdbcConnectionDetailsGiveThePrimary() {
        String other = "jdbc:postgresql://127.0.0.1:1/fromdetails";
        withReplica.withBean(JdbcConnectionDetails.class, () -> new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return "du";
            }

            @Override
            public String getPassword() {
                return "dp";
            }

            @Override
            public String getJdbcUrl() {
                return other;
            }
        }).run(context -> {
            RoutingDataSource router = context.getBean(RoutingDataSource.class);
            assertThat(pool(router, "primary").getJdbcUrl()).isEqualTo(other);
            assertThat(pool(router, "replica1").getUsername()).isEqualTo("du");
            assertThat(context.getBean(FlywayConnectionDetails.class).getJdbcUrl()).isEqualTo(other);
        });
    }

    @Test
    void flywayAndLiquibaseConnectToThePrimary() {
        withReplica.run(context -> {
            FlywayConnectionDetails flyway = context.getBean(FlywayConnectionDetails.class);
            assertThat(flyway.getJdbcUrl()).isEqualTo(PRIMARY);
            assertThat(flyway.getUsername()).isEqualTo("app");
            assertThat(flyway.getPassword()).isEqualTo("pw");
            assertThat(flyway.getDriverClassName()).isEqualTo("org.postgresql.Driver");
            LiquibaseConnectionDetails liquibase = context.getBean(LiquibaseConnectionDetails.class);
            assertThat(liquibase.getJdbcUrl()).isEqualTo(PRIMARY);
            assertThat(liquibase.getUsername()).isEqualTo("app");
        });
    }

    @Test
    void flywaysOwnUrlAndUserAreKept() {
        withReplica.withPropertyValues("spring.flyway.url=jdbc:postgresql://127.0.0.1:1/migrations",
                "spring.flyway.user=owner").run(context -> {
            FlywayConnectionDetails flyway = context.getBean(FlywayConnectionDetails.class);
            assertThat(flyway.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:1/migrations");
            assertThat(flyway.getUsername()).isEqualTo("owner");
            assertThat(flyway.getPassword()).isNull();
        });
        withReplica.withPropertyValues("spring.flyway.user=owner", "spring.flyway.password=secret2").run(context -> {
            FlywayConnectionDetails flyway = context.getBean(FlywayConnectionDetails.class);
            assertThat(flyway.getJdbcUrl()).isEqualTo(PRIMARY);
            assertThat(flyway.getUsername()).isEqualTo("owner");
            assertThat(flyway.getPassword()).isEqualTo("secret2");
        });
    }

    @Test
    void sqlInitGetsThePrimaryNotTheRouter() {
        withReplica.run(context -> {
            assertThat(context).hasSingleBean(ApplicationScriptDatabaseInitializer.class);
            Object initializer = context.getBean(ApplicationScriptDatabaseInitializer.class);
            DataSource used = ReflectionTestUtils.invokeMethod(initializer, "getDataSource");
            assertThat(used).isInstanceOf(PrimaryDataSource.class).isNotSameAs(context.getBean(DataSource.class));
        });
    }

    // ---- refused values ----

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("replica-router.max-lag=2d", "replica-router.max-lag", "2d"),
                bad("replica-router.max-lag=0s", "replica-router.max-lag", "0s"),
                bad("replica-router.max-lag-bytes=0", "replica-router.max-lag-bytes", "0"),
                bad("replica-router.max-wait-for-replica=2m", "replica-router.max-wait-for-replica", "2m"),
                bad("replica-router.monitor-interval=5ms", "replica-router.monitor-interval", "5ms"),
                bad("replica-router.probe-timeout=0s", "replica-router.probe-timeout", "0s"),
                bad("replica-router.slow-start=2h", "replica-router.slow-start", "2h"),
                bad("replica-router.node-down-cool-down=-1s", "replica-router.node-down-cool-down", "-1s"),
                bad("replica-router.balancer=fastest", "replica-router.balancer", "fastest"),
                bad("replica-router.write-functions=audit-log", "replica-router.write-functions", "audit-log"),
                bad("replica-router.pool-size=0", "replica-router.pool-size", "0"),
                bad("replica-router.classifier-cache-size=-1", "replica-router.classifier-cache-size", "-1"),
                bad("replica-router.replicas[0].url=http://db:5432/app", "replica-router.replicas[0].url",
                        "http://db:5432/app"),
                bad("replica-router.replicas[0].weight=0", "replica-router.replicas[0].weight", "0"),
                bad("replica-router.replicas[0].name=primary", "replica-router.replicas[0].name", "primary"),
                bad("replica-router.replicas[0].name= ", "replica-router.replicas[0].name", ""),
                bad("replica-router.replicas[0].name=" + "n".repeat(65), "replica-router.replicas[0].name",
                        "n".repeat(65)),
                bad("replica-router.replicas[0].url=jdbc:postgresql://u:pw-secret@db/app",
                        "replica-router.replicas[0].url", "jdbc:postgresql://***@db/app"),
                bad("replica-router.max-lag-bytes=-1", "replica-router.max-lag-bytes", "-1"),
                bad("spring.datasource.url=jdbc:mysql://db/app", "spring.datasource.url", "jdbc:mysql://db/app"),
                bad("replica-router.nodes[0].url=" + PRIMARY, "replica-router.nodes", "1 nodes"),
                bad("replica-router.replicas[1].name=x", "replica-router.replicas[1].url", null));
    }

    private static Arguments bad(String setting, String property, String value) {
        return Arguments.of(setting, property, value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aRefusedValueFailsTheStartNamingThePropertyAndTheValue(String setting, String property, String value) {
        withReplica.withPropertyValues(setting).run(context -> {
            ReplicaRouterConfigurationException e = configurationFailure(context);
            assertThat(e.getProperty()).isEqualTo(property);
            assertThat(e.getValue()).isEqualTo(value);
            FailureAnalysis analysis = new ReplicaRouterFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains(property);
            if (value != null) {
                assertThat(analysis.getDescription()).contains("'" + value + "'");
            }
            assertThat(analysis.getAction()).contains(property);
        });
    }

    @Test
    void withoutThePrimarysUrlTheFailureSaysWhereToPutIt() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                        DataSourceAutoConfiguration.class))
                .withPropertyValues("replica-router.replicas[0].url=" + REPLICA)
                .run(context -> {
                    ReplicaRouterConfigurationException e = configurationFailure(context);
                    assertThat(e.getProperty()).isEqualTo("spring.datasource.url");
                    assertThat(e.getValue()).isNull();
                    assertThat(e.getReason()).contains("replica-router.nodes");
                });
    }

    @Test
    void discoveredNodesTakeTheirWeightAndABadOneIsNamed() {
        runner.withPropertyValues("replica-router.nodes[0].url=" + PRIMARY, "replica-router.nodes[0].weight=2",
                        "replica-router.nodes[1].url=" + REPLICA, "replica-router.probe-timeout=200ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    RoutingDataSource router = context.getBean(RoutingDataSource.class);
                    assertThat(router.topology().node("node1").orElseThrow().weight()).isEqualTo(2);
                    assertThat(router.topology().node("node2").orElseThrow().weight()).isEqualTo(1);
                });
        runner.withPropertyValues("replica-router.nodes[0].url=" + PRIMARY, "replica-router.nodes[0].weight=0",
                        "replica-router.probe-timeout=200ms")
                .run(context -> {
                    ReplicaRouterConfigurationException e = configurationFailure(context);
                    assertThat(e.getProperty()).isEqualTo("replica-router.nodes[0].weight");
                    assertThat(e.getValue()).isEqualTo("0");
                });
    }

    @Test
    void typeErrorsAreBootsBindFailuresNamingTheProperty() {
        withReplica.withPropertyValues("replica-router.max-lag=soon").run(context ->
                assertThat(bindFailure(context).getName().toString()).isEqualTo("replica-router.max-lag"));
        withReplica.withPropertyValues("replica-router.consistency=sometimes").run(context ->
                assertThat(bindFailure(context).getName().toString()).isEqualTo("replica-router.consistency"));
        withReplica.withPropertyValues("replica-router.replicas[0].hikari.maximum-pool-size=many").run(context ->
                assertThat(bindFailure(context).getName().toString())
                        .isEqualTo("replica-router.replicas[0].hikari.maximum-pool-size"));
        withReplica.withPropertyValues("spring.datasource.hikari.connection-timeout=never").run(context ->
                assertThat(bindFailure(context).getName().toString())
                        .isEqualTo("spring.datasource.hikari.connection-timeout"));
    }

    @Test
    void secretsNeverAppearInTheFailure() {
        String secret = "tooShort-s3cr3t";
        withReplica.withPropertyValues("replica-router.token.secret=" + secret).run(context -> {
            ReplicaRouterConfigurationException e = configurationFailure(context);
            assertThat(e.getProperty()).isEqualTo("replica-router.token.secret");
            assertThat(e.getValue()).isEqualTo("(hidden)");
            assertThat(everything(context)).doesNotContain(secret);
        });
        String password = "hunter2-pw";
        withReplica.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://db:0/app?password=" + password)
                .run(context -> {
                    ReplicaRouterConfigurationException e = configurationFailure(context);
                    assertThat(e.getProperty()).isEqualTo("replica-router.replicas[0].url");
                    assertThat(e.getValue()).isEqualTo("jdbc:postgresql://db:0/app?password=***");
                    assertThat(everything(context)).doesNotContain(password);
                });
    }

    private static ReplicaRouterConfigurationException configurationFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            if (t instanceof ReplicaRouterConfigurationException e) {
                return e;
            }
        }
        throw new AssertionError("no ReplicaRouterConfigurationException in " + everything(context));
    }

    private static BindException bindFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            if (t instanceof BindException e) {
                return e;
            }
        }
        throw new AssertionError("no BindException in " + everything(context));
    }

    /** The failure with every cause and the analysis, as a user could see it. */
    private static String everything(AssertableApplicationContext context) {
        StringWriter out = new StringWriter();
        context.getStartupFailure().printStackTrace(new PrintWriter(out));
        FailureAnalysis analysis = new ReplicaRouterFailureAnalyzer().analyze(context.getStartupFailure());
        if (analysis != null) {
            out.append(analysis.getDescription()).append(analysis.getAction());
        }
        return out.toString();
    }

    @Test
    void rolesAreAsConfigured() {
        withReplica.withPropertyValues("replica-router.monitor-interval=0").run(context -> {
            TopologySnapshot t = context.getBean(RoutingDataSource.class).topology();
            assertThat(t.node("primary").map(NodeSnapshot::role)).contains(NodeRole.PRIMARY);
            assertThat(t.node("replica1").map(NodeSnapshot::role)).contains(NodeRole.REPLICA);
        });
    }
}
