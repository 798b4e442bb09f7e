package io.replicarouter.spring.it;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.actuate.ReplicaRouterEndpoint;
import io.replicarouter.spring.actuate.WritableReplicaRouterEndpoint;
import io.replicarouter.spring.it.ops.OpsTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Health, the replicarouter endpoint and the meters against the shared embedded cluster, in one application context
 * (actuator and Micrometer on the class path, as a user's would have them).
 */
class OperationsIT {

    private static ConfigurableApplicationContext context;
    private static EmbeddedCluster cluster;

    private JdbcTemplate jdbc;
    private SharedCluster.Recorder recorder;

    @BeforeAll
    static void start() throws Exception {
        cluster = SharedCluster.get();
        SharedCluster.onPrimary("CREATE TABLE IF NOT EXISTS ops_ticks (n bigint NOT NULL);"
                + " INSERT INTO ops_ticks SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM ops_ticks)");
        context = Apps.start(OpsTestApp.class, "spring.application.name=ops", "spring.flyway.enabled=false",
                "replica-router.monitor-interval=100ms", "replica-router.max-lag=300ms",
                "replica-router.slow-start=0s",
                "management.endpoints.web.exposure.include=health,replicarouter",
                "management.endpoint.health.show-details=always", "management.endpoint.health.show-components=always",
                "replica-router.endpoint.write-enabled=true");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @BeforeEach
    void setUp() {
        cluster.reset();
        jdbc = context.getBean(JdbcTemplate.class);
        recorder = context.getBean(SharedCluster.Recorder.class);
        awaitTrue(() -> group().getStatus().equals(Status.UP) && components().values().stream()
                .allMatch(c -> c.getStatus().equals(Status.UP)), "every node UP");
        recorder.drain();
    }

    @AfterEach
    void tearDown() {
        context.getBean(WritableReplicaRouterEndpoint.class).drain("replica1", "undrain");
        cluster.reset();
    }

    private static CompositeHealthDescriptor group() {
        return (CompositeHealthDescriptor) context.getBean(HealthEndpoint.class).healthForPath("replicaRouter");
    }

    private static Map<String, HealthDescriptor> components() {
        return group().getComponents();
    }

    private static Map<String, Object> details(String node) {
        return ((IndicatedHealthDescriptor) components().get(node)).getDetails();
    }

    @Test
    void healthShowsEveryNodeWithItsDetails() {
        assertThat(components()).containsOnlyKeys("primary", "replica1", "replica2");
        assertThat(details("primary")).containsEntry("role", "PRIMARY").containsEntry("state", "SERVING")
                .containsEntry("primary", true).containsEntry("eligible", true).containsEntry("lagBytes", 0L)
                .containsKeys("lastProbe", "position");
        assertThat(details("replica1")).containsEntry("role", "REPLICA").containsEntry("state", "SERVING")
                .containsEntry("eligible", true).containsEntry("fenced", false)
                .containsKeys("lagMs", "lagBytes", "lastProbe").doesNotContainKey("lastError");
        HealthDescriptor db = context.getBean(HealthEndpoint.class).healthForPath("db");
        assertThat(db.getStatus()).isEqualTo(Status.UP);
        assertThat(((IndicatedHealthDescriptor) db).getDetails()).containsEntry("node", "primary");
        assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aLaggingReplicaGoesOutOfRotationWhileTheApplicationStaysUp() {
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        cluster.pauseReplay(cluster.replica(0));
        awaitTrue(() -> {
            jdbc.update("UPDATE ops_ticks SET n = n + 1");
            return "OUT_OF_ROTATION".equals(components().get("replica1").getStatus().getCode());
        }, "replica1 out of rotation");
        assertThat(details("replica1")).containsEntry("state", "LAGGING").containsEntry("eligible", false);
        assertThat(components().get("replica2").getStatus()).isEqualTo(Status.UP);
        assertThat(group().getStatus()).isEqualTo(Status.UP);
        assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.UP);
        double ejected = Search.in(registry).name("replica.router.ejections").tag("node", "replica1")
                .functionCounters().stream().mapToDouble(c -> c.count()).sum();
        assertThat(ejected).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("replica.router.node.serving").tag("node", "replica1").gauge().value()).isZero();
        assertThat(registry.get("replica.router.lag.bytes").tag("node", "replica1").gauge().value()).isPositive();
    }

    @Test
    void statementsCountByNodeReasonAndTypeAndEveryPoolReportsItsOwnMetrics() {
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        double readsBefore = count(registry, "read", "read");
        double writesBefore = count(registry, "write", "write");
        for (int i = 0; i < 4; i++) {
            jdbc.queryForObject("SELECT inet_server_port()", Integer.class);
        }
        jdbc.update("UPDATE ops_ticks SET n = n + 1");
        assertThat(count(registry, "read", "read") - readsBefore).isEqualTo(4);
        assertThat(count(registry, "write", "write") - writesBefore).isEqualTo(1);
        assertThat(registry.get("replica.router.statements").tags("node", "primary", "reason", "write", "type",
                "write").functionTimer().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        List<String> readNodes = recorder.drain().stream().filter(e -> e.endsWith(":READ"))
                .map(e -> e.substring(0, e.indexOf(':'))).toList();
        assertThat(readNodes).hasSize(4).allMatch(n -> n.startsWith("replica")); // the application's listener too

        List<String> pools = registry.find("hikaricp.connections").gauges().stream()
                .map(g -> g.getId().getTag("pool")).toList();
        assertThat(pools).containsExactlyInAnyOrder("ops-primary", "ops-replica1", "ops-replica2");
        Gauge primaryPool = registry.get("hikaricp.connections").tag("pool", "ops-primary").gauge();
        assertThat(primaryPool.value()).isPositive();
    }

    private static double count(MeterRegistry registry, String reason, String type) {
        return Search.in(registry).name("replica.router.statements").tag("reason", reason).tag("type", type)
                .functionTimers().stream().mapToDouble(t -> t.count()).sum();
    }

    @Test
    void theEndpointListsTheNodesAndDrainsAReplica() {
        WritableReplicaRouterEndpoint endpoint = context.getBean(WritableReplicaRouterEndpoint.class);
        ReplicaRouterEndpoint.Topology topology = endpoint.topology();
        assertThat(topology.primary()).isEqualTo("primary");
        assertThat(topology.nodes()).extracting(ReplicaRouterEndpoint.Node::name)
                .containsExactly("primary", "replica1", "replica2");
        assertThat(topology.readReplicas()).containsExactly("replica1", "replica2");
        assertThat(topology.nodes().get(1).pool().total()).isPositive();

        assertThat(endpoint.drain("replica1", "drain").state()).isEqualTo("DRAINED");
        for (int i = 0; i < 6; i++) {
            assertThat(SharedCluster.nodeOfPort(jdbc.queryForObject("SELECT inet_server_port()", Integer.class)))
                    .isEqualTo("replica2");
        }
        assertThat(endpoint.node("replica2").statements()).isPositive();
        assertThat(endpoint.node("replica2").statementsByReason()).containsKey("read");
        assertThat(catchThrowable(() -> endpoint.drain("primary", "drain")))
                .isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("primary");

        assertThat(endpoint.drain("replica1", "undrain").state()).isEqualTo("SERVING");
        awaitTrue(() -> "replica1".equals(SharedCluster.nodeOfPort(
                jdbc.queryForObject("SELECT inet_server_port()", Integer.class))), "a read on replica1 again");
    }

    @Test
    void withNoPrimaryReachableTheGroupIsDown() {
        List<String> args = new java.util.ArrayList<>(List.of("--spring.flyway.enabled=false",
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app", "--replica-router.probe-timeout=300ms",
                "--management.endpoint.health.show-details=always",
                "--management.endpoint.health.show-components=always"));
        SharedCluster.properties().forEach((k, v) -> {
            if (!k.equals("spring.datasource.url")) {
                args.add("--" + k + "=" + v);
            }
        });
        try (ConfigurableApplicationContext dead = new org.springframework.boot.builder.SpringApplicationBuilder(
                OpsTestApp.class).web(org.springframework.boot.WebApplicationType.NONE)
                .run(args.toArray(String[]::new))) {
            HealthEndpoint health = dead.getBean(HealthEndpoint.class);
            awaitTrue(() -> health.healthForPath("replicaRouter").getStatus().equals(Status.DOWN), "group DOWN");
            Map<String, HealthDescriptor> nodes = ((CompositeHealthDescriptor) health.healthForPath("replicaRouter"))
                    .getComponents();
            assertThat(nodes.get("primary").getStatus()).isEqualTo(Status.DOWN);
            assertThat(((IndicatedHealthDescriptor) nodes.get("primary")).getDetails()).containsKey("lastError");
            assertThat(nodes.get("replica1").getStatus()).isEqualTo(Status.UP);
            assertThat(health.healthForPath("db").getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
