package io.replicarouter.embedded.junit;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.PostgresCluster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs sample test classes through the JUnit engine and checks what the extension did around them. */
class EmbeddedClusterExtensionIT {

    static final List<EmbeddedCluster> SEEN = new ArrayList<>();

    @WithEmbeddedCluster(replicas = 1, scope = WithEmbeddedCluster.Scope.CLASS,
            settings = {"max_connections=77"}, database = "sample")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FaultySample {

        @Test
        @Order(1)
        void breaksTheCluster(EmbeddedCluster cluster) {
            SEEN.add(cluster);
            cluster.pauseReplay(cluster.replica(0));
            cluster.applyDelay(cluster.replica(0), Duration.ofSeconds(20));
            cluster.freeze(cluster.replica(0));
            cluster.kill(cluster.primary());
        }

        @Test
        @Order(2)
        void findsItRepaired(PostgresCluster cluster) throws SQLException {
            SEEN.add((EmbeddedCluster) cluster);
            assertThat(cluster.nodes()).allMatch(cluster::isRunning).noneMatch(cluster::isFrozen);
            assertThat(query(cluster, 1, "SELECT pg_get_wal_replay_pause_state()")).isEqualTo("not paused");
            assertThat(query(cluster, 1, "SHOW recovery_min_apply_delay")).isEqualTo("0");
            assertThat(query(cluster, 0, "SHOW max_connections")).isEqualTo("77");
            assertThat(query(cluster, 0, "SELECT current_database()")).isEqualTo("sample");
        }

        @Test
        @Order(3)
        void promotes(EmbeddedCluster cluster) {
            SEEN.add(cluster);
            cluster.promote(cluster.replica(0));
        }

        @Test
        @Order(4)
        void getsAFreshClusterAfterAPromotion(EmbeddedCluster cluster) {
            SEEN.add(cluster);
            assertThat(cluster.topologyChanged()).isFalse();
            assertThat(cluster.currentPrimary()).isEqualTo(cluster.primary());
        }

        private static String query(PostgresCluster cluster, int node, String sql) throws SQLException {
            try (Connection c = cluster.nodes().get(node).connect();
                 ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @WithEmbeddedCluster(replicas = 1)
    static class SharedSampleA {
        @Test
        void records(EmbeddedCluster cluster) {
            SEEN.add(cluster);
        }
    }

    @WithEmbeddedCluster(replicas = 1)
    static class SharedSampleB {
        @Test
        void records(EmbeddedCluster cluster) {
            SEEN.add(cluster);
        }
    }

    @Test
    void undoesFaultsBetweenTestsAndReplacesAPromotedClusterAndClosesAfterTheClass() {
        SEEN.clear();
        var results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FaultySample.class)).execute();
        results.allEvents().failed().stream().forEach(e -> System.out.println("FAILED " + e));
        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4).failed(0));

        assertThat(SEEN).hasSize(4);
        assertThat(SEEN.get(1)).isSameAs(SEEN.get(0));
        assertThat(SEEN.get(2)).isSameAs(SEEN.get(0));
        assertThat(SEEN.get(3)).isNotSameAs(SEEN.get(0));
        assertThat(SEEN.get(0).directory()).doesNotExist();
        assertThat(SEEN.get(3).directory()).doesNotExist(); // closed with the class
    }

    @Test
    void classesWithTheSameConfigurationShareOneClusterForTheRun() {
        SEEN.clear();
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SharedSampleA.class), selectClass(SharedSampleB.class)).execute()
                .testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(1)).isSameAs(SEEN.get(0));
        assertThat(SEEN.get(0).directory()).doesNotExist(); // closed when that run ended
    }
}
