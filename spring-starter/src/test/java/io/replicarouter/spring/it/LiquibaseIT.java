package io.replicarouter.spring.it;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.it.jdbc.JdbcTestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Liquibase, like Flyway, reads its change log on the primary: each change set applied once, replicas paused. */
class LiquibaseIT {

    private static final String[] LIQUIBASE = {"spring.flyway.enabled=false", "spring.liquibase.enabled=true",
            "spring.liquibase.change-log=classpath:liquibase/changelog.sql",
            "spring.liquibase.database-change-log-table=lb_it_log",
            "spring.liquibase.database-change-log-lock-table=lb_it_lock",
            FlywayIT.ELIGIBLE_TIME, FlywayIT.ELIGIBLE_BYTES};

    private EmbeddedCluster cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = SharedCluster.get();
        cluster.reset();
        SharedCluster.onPrimary("DROP TABLE IF EXISTS lb_it_log, lb_it_lock, lb_it_a, lb_it_b");
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() {
        cluster.reset();
    }

    private ConfigurableApplicationContext start(String contexts) {
        String[] args = java.util.Arrays.copyOf(LIQUIBASE, LIQUIBASE.length + 1);
        args[LIQUIBASE.length] = "spring.liquibase.contexts=" + contexts;
        return Apps.start(JdbcTestApp.class, args);
    }

    @Test
    void aNewChangeSetIsAppliedOnceWhileEveryReplicaIsPaused() throws Exception {
        cluster.replicas().forEach(cluster::pauseReplay);
        try (ConfigurableApplicationContext first = start("v1")) {
            assertThat(first.getBean(SharedCluster.Recorder.class).drain()).isEmpty(); // not through the router
        }
        try (ConfigurableApplicationContext second = start("v1,v2")) {
            assertThat(second.getBean(SharedCluster.Recorder.class).drain()).isEmpty();
        }
        assertThat(SharedCluster.query(cluster.primary(),
                "SELECT string_agg(id || ':' || exectype, ',' ORDER BY orderexecuted) FROM lb_it_log"))
                .isEqualTo("1:EXECUTED,2:EXECUTED");
        for (var replica : cluster.replicas()) {
            assertThat(SharedCluster.query(replica, "SELECT to_regclass('lb_it_log')::text")).isNull();
        }
    }
}
