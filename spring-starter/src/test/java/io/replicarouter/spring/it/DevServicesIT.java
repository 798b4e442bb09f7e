package io.replicarouter.spring.it;

import io.replicarouter.NodeRole;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.embedded.EmbeddedReplicaCluster;
import io.replicarouter.spring.it.ops.OpsTestApp;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dev services: {@code replica-router.embedded.enabled=true} alone gives the application a primary and replicas,
 * the router routes to them, and closing the context stops every server it started.
 */
class DevServicesIT {

    @Test
    void theEmbeddedClusterServesTheApplicationAndStopsWithTheContext() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OpsTestApp.class)
                .web(WebApplicationType.NONE)
                .run("--replica-router.embedded.enabled=true", "--replica-router.embedded.replicas=1",
                        "--spring.flyway.enabled=false", "--spring.datasource.url=jdbc:postgresql://nowhere:1/none");
        Path directory;
        try {
            EmbeddedCluster cluster = context.getBean(EmbeddedReplicaCluster.class).cluster();
            directory = cluster.directory();
            assertThat(serverProcesses(directory)).as("servers of %s", directory).isNotEmpty();

            RoutingDataSource router = context.getBean(RoutingDataSource.class);
            assertThat(router.topology().nodeNames()).containsExactly("primary", "replica1");
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT inet_server_port()", Integer.class))
                    .isEqualTo(cluster.replica(0).port());
            jdbc.execute("CREATE TABLE dev_notes (id int)");
            assertThat(jdbc.queryForObject("INSERT INTO dev_notes VALUES (1) RETURNING inet_server_port()",
                    Integer.class)).isEqualTo(cluster.primary().port());
            assertThat(context.getEnvironment().getProperty("spring.datasource.url"))
                    .isEqualTo(cluster.primary().jdbcUrl());
        } finally {
            context.close();
        }
        assertThat(serverProcesses(directory)).as("servers left after close").isEmpty();
        assertThat(Files.exists(directory)).isFalse();
    }

    @Test
    void withDiscoveredRolesTheRouterFollowsAPromotion() throws Exception {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OpsTestApp.class)
                .web(WebApplicationType.NONE)
                .run("--replica-router.embedded.enabled=true", "--replica-router.embedded.replicas=1",
                        "--replica-router.embedded.discover-roles=true", "--spring.flyway.enabled=false",
                        "--spring.datasource.url=jdbc:postgresql://nowhere:1/none");
        Path directory;
        try {
            EmbeddedCluster cluster = context.getBean(EmbeddedReplicaCluster.class).cluster();
            directory = cluster.directory();
            RoutingDataSource router = context.getBean(RoutingDataSource.class);
            assertThat(router.topology().nodeNames()).containsExactly("primary", "replica1");
            assertThat(router.topology().node("replica1").orElseThrow().role()).isEqualTo(NodeRole.REPLICA);
            assertThat(context.getEnvironment().getProperty("replica-router.nodes[1].url"))
                    .isEqualTo(cluster.replica(0).jdbcUrl());
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE dev_failover (id int)");
            assertThat(jdbc.queryForObject("INSERT INTO dev_failover VALUES (1) RETURNING inet_server_port()",
                    Integer.class)).isEqualTo(cluster.primary().port());

            cluster.kill(cluster.primary());
            cluster.promote(cluster.replica(0));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!"replica1".equals(router.topology().primary()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(router.topology().primary()).as("the router's primary after the promotion")
                    .isEqualTo("replica1");
            Integer port = null;
            for (int attempt = 0; attempt < 50 && port == null; attempt++) {
                try {
                    port = jdbc.queryForObject("INSERT INTO dev_failover VALUES (2) RETURNING inet_server_port()",
                            Integer.class);
                } catch (DataAccessException e) {
                    Thread.sleep(100); // a pooled connection to the killed primary, found broken and replaced
                }
            }
            assertThat(port).as("a write after the failover").isEqualTo(cluster.replica(0).port());
        } finally {
            context.close();
        }
        assertThat(serverProcesses(directory)).as("servers left after close").isEmpty();
    }

    /** The processes whose command line names a path under {@code directory}: the cluster's servers. */
    private static List<ProcessHandle> serverProcesses(Path directory) {
        String dir = directory.toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false)).toList();
    }
}
