package io.replicarouter;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad configuration gets one clear message naming the setting, the node and the value. */
class RoutingDataSourceBuilderTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:1/db";

    private static RoutingDataSourceBuilder valid() {
        return RoutingDataSource.builder().primary(URL, "u", "p").replica("r1", URL, "u", "p");
    }

    @Test
    void noPrimary() {
        assertThatThrownBy(() -> RoutingDataSource.builder().replica("r1", URL, "u", "p").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no primary");
    }

    @Test
    void discoveredRolesNeedTheMonitor() {
        assertThatThrownBy(() -> RoutingDataSource.builder().node("a", URL, "u", "p").monitorInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("monitorInterval");
    }

    @Test
    void replicationSettings() {
        assertThatThrownBy(() -> valid().maxLag(Duration.ZERO).build()).hasMessageContaining("maxLag");
        assertThatThrownBy(() -> valid().maxLagBytes(0).build()).hasMessageContaining("maxLagBytes");
        assertThatThrownBy(() -> valid().monitorInterval(Duration.ofMillis(5)).build()).hasMessageContaining("monitorInterval");
        assertThatThrownBy(() -> valid().tokenSecret("short").build()).hasMessageContaining("tokenSecret")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> valid().maxWaitForReplica(Duration.ofMillis(-1)).build()).hasMessageContaining("maxWaitForReplica");
        assertThatThrownBy(() -> valid().consistency(null).build()).hasMessageContaining("consistency");
    }

    @Test
    void twoPrimaries() {
        assertThatThrownBy(() -> valid().primary(URL, "u", "p").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 primaries");
    }

    @Test
    void duplicateNames() {
        assertThatThrownBy(() -> valid().replica("r1", URL, "u", "p").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'r1' is used twice");
    }

    @Test
    void negativeWeight() {
        assertThatThrownBy(() -> valid().replica("r2", URL, "u", "p", -3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replica 'r2'").hasMessageContaining("weight").hasMessageContaining("-3");
    }

    @Test
    void unknownBalancer() {
        assertThatThrownBy(() -> valid().balancer("fastest").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fastest'");
    }

    @Test
    void badUrlIsShownWithoutItsPassword() {
        assertThatThrownBy(() -> RoutingDataSource.builder().primary("postgresql://h/db?password=hunter2", "u", "p").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary").hasMessageContaining("url")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void otherSettings() {
        assertThatThrownBy(() -> valid().poolSize(0).build()).hasMessageContaining("poolSize").hasMessageContaining("0");
        assertThatThrownBy(() -> valid().nodeDownCoolDown(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("nodeDownCoolDown");
        assertThatThrownBy(() -> valid().classifierCacheSize(-1).build()).hasMessageContaining("classifierCacheSize");
        assertThatThrownBy(() -> valid().writeFunctions("bad name").build())
                .hasMessageContaining("writeFunctions").hasMessageContaining("'bad name'");
        assertThatThrownBy(() -> valid().listener(null).build()).hasMessageContaining("listener");
    }

    @Test
    void aValidConfigurationBuildsWithoutReachingTheNodes() {
        // Port 1 answers nobody: the router starts anyway and reports the failure at first use.
        try (RoutingDataSource ds = valid().replica("r2", URL + "?password=hunter2", "u", "p", 3)
                .monitorInterval(Duration.ZERO).build()) {
            assertThat(ds.nodeNames()).containsExactly("primary", "r1", "r2");
            assertThat(ds.toString()).doesNotContain("hunter2").contains("password=***");
        }
    }
}
