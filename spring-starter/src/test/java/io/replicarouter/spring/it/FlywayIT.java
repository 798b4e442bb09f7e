package io.replicarouter.spring.it;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.it.jdbc.JdbcTestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway reads its history table on the primary: with replay paused on every replica (they never see a migration
 * being recorded), an application started twice, the second time with a new migration, applies each migration
 * exactly once and fails on none ("already exists" would be a migration applied twice). The replicas stay eligible
 * (lag limits of an hour), as replicas lagging within the limits are: a replica ejected for lag would hide the
 * hazard, since its reads would fall back to the primary anyway.
 */
class FlywayIT {

    private static final String TABLE = "spring.flyway.table=flyway_it_history";
    /** The paused replicas stay eligible, as a replica lagging within max-lag does: they would get the reads. */
    static final String ELIGIBLE_TIME = "replica-router.max-lag=1h";
    static final String ELIGIBLE_BYTES = "replica-router.max-lag-bytes=1GB";
    private EmbeddedCluster cluster;

    @BeforeEach
    void setUp() throws Exception {
        cluster = SharedCluster.get();
        cluster.reset();
        SharedCluster.onPrimary("DROP TABLE IF EXISTS flyway_it_history, flyway_it_a, flyway_it_b");
        cluster.waitForCatchUp(Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() {
        cluster.reset();
    }

    @Test
    void aNewMigrationIsAppliedOnceWhileEveryReplicaIsPaused() throws Exception {
        cluster.replicas().forEach(cluster::pauseReplay);

        try (ConfigurableApplicationContext first = Apps.start(JdbcTestApp.class, TABLE, ELIGIBLE_TIME, ELIGIBLE_BYTES,
                "spring.flyway.locations=classpath:db/flyway-it/v1")) {
            assertThat(first.getBean(SharedCluster.Recorder.class).drain()).isEmpty(); // not through the router
        }
        // The replicas have not replayed the history table: a read of it through the router would find none.
        for (var replica : cluster.replicas()) {
            assertThat(SharedCluster.query(replica, "SELECT to_regclass('flyway_it_history')::text")).isNull();
        }
        try (ConfigurableApplicationContext second = Apps.start(JdbcTestApp.class, TABLE, ELIGIBLE_TIME, ELIGIBLE_BYTES,
                "spring.flyway.locations=classpath:db/flyway-it/v1,classpath:db/flyway-it/v2")) {
            assertThat(second.getBean(SharedCluster.Recorder.class).drain()).isEmpty();
        }

        Map<String, String> history = new LinkedHashMap<>();
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, count(*), bool_and(success) FROM flyway_it_history"
                     + " WHERE type = 'SQL' GROUP BY version ORDER BY version")) {
            while (rs.next()) {
                history.put(rs.getString(1), rs.getLong(2) + (rs.getBoolean(3) ? " ok" : " failed"));
            }
        }
        assertThat(history).containsExactly(Map.entry("1", "1 ok"), Map.entry("2", "1 ok"));
        assertThat(SharedCluster.query(cluster.primary(), "SELECT to_regclass('flyway_it_b')::text"))
                .isEqualTo("flyway_it_b");
    }
}
