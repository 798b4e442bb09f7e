package io.replicarouter.spring.it;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.it.jdbc.JdbcTestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * spring.sql.init scripts run on the primary, on connections of their own: with replay paused on every replica, a
 * script that reads what it has just written succeeds (through the router its SELECT would go to a replica without
 * the table), and the router sees none of the script's statements.
 */
class SqlInitIT {

    private EmbeddedCluster cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = SharedCluster.get();
        cluster.reset();
        SharedCluster.onPrimary("DROP TABLE IF EXISTS init_probe");
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() {
        cluster.reset();
    }

    @Test
    void initScriptsRunOnThePrimary() throws Exception {
        cluster.replicas().forEach(cluster::pauseReplay);
        try (ConfigurableApplicationContext app = Apps.start(JdbcTestApp.class, "spring.flyway.enabled=false",
                FlywayIT.ELIGIBLE_TIME, FlywayIT.ELIGIBLE_BYTES,
                "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:sql-init/schema.sql",
                "spring.sql.init.data-locations=classpath:sql-init/data.sql")) {
            assertThat(app.getBean(SharedCluster.Recorder.class).drain()).isEmpty();
        }
        Object port = SharedCluster.query(cluster.primary(), "SELECT port FROM init_probe WHERE id = 1");
        assertThat(port).isEqualTo(cluster.primary().port());
        for (var replica : cluster.replicas()) {
            assertThat(SharedCluster.query(replica, "SELECT to_regclass('init_probe')::text")).isNull();
        }
    }
}
