package io.replicarouter.spring.it;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.it.jdbc.JdbcTestApp;
import io.replicarouter.spring.it.jdbc.JdbcWhereService;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every node under replica-router.nodes, the primary listed last and no spring.datasource.url: the monitor finds the
 * primary, writes go there, and migrations are pointed at it.
 */
class DiscoveredNodesIT {

    @Test
    void theDiscoveredPrimaryTakesWritesAndMigrations() {
        EmbeddedCluster cluster = SharedCluster.get();
        cluster.reset();
        List<ClusterNode> order = new ArrayList<>(cluster.replicas());
        order.add(cluster.primary());
        List<String> args = new ArrayList<>(List.of("--spring.flyway.enabled=false",
                "--spring.datasource.username=" + cluster.primary().username()));
        for (int i = 0; i < order.size(); i++) {
            args.add("--replica-router.nodes[" + i + "].url=" + order.get(i).jdbcUrl());
        }
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(JdbcTestApp.class)
                .web(WebApplicationType.NONE).run(args.toArray(String[]::new))) {
            RoutingDataSource router = app.getBean(RoutingDataSource.class);
            assertThat(router.topology().nodeNames()).containsExactly("node1", "node2", "node3");
            assertThat(router.topology().primary()).isEqualTo("node3");
            assertThat(app.getBean(FlywayConnectionDetails.class).getJdbcUrl())
                    .isEqualTo(cluster.primary().jdbcUrl());

            JdbcWhereService where = app.getBean(JdbcWhereService.class);
            assertThat(where.readWrite().stream().map(SharedCluster::nodeOfPort)).containsOnly("primary");
            assertThat(where.readOnly().stream().map(SharedCluster::nodeOfPort))
                    .allMatch(n -> n.startsWith("replica"));
        }
    }
}
