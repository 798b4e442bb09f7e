package io.replicarouter.shardingsphere;

import io.replicarouter.RoutingDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The algorithm's choice over a router with the monitor off (roles as configured, no server needed): replicas
 * drained through the router's public API stand for replicas the monitor took out of rotation.
 */
class LagAwareLoadBalanceAlgorithmTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:1/app";

    private RoutingDataSource router;
    private SharedTopologies.Registration registration;

    @BeforeEach
    void router() {
        router = RoutingDataSource.builder()
                .primary("write_ds", new org.postgresql.ds.PGSimpleDataSource())
                .replica("read_0", URL, "u", "p")
                .replica("read_1", URL, "u", "p")
                .replica("read_2", URL, "u", "p")
                .monitorInterval(Duration.ZERO)
                .build();
        registration = SharedTopologies.register("unit", router);
    }

    @AfterEach
    void close() {
        registration.close();
        router.close();
    }

    private static LagAwareLoadBalanceAlgorithm algorithm(String... keyValues) {
        Properties props = new Properties();
        props.setProperty("router", "unit");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.setProperty(keyValues[i], keyValues[i + 1]);
        }
        LagAwareLoadBalanceAlgorithm a = new LagAwareLoadBalanceAlgorithm();
        a.init(props);
        return a;
    }

    private static Map<String, Integer> spread(LagAwareLoadBalanceAlgorithm a, List<String> names, int times) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < times; i++) {
            counts.merge(a.getTargetName("rw", names), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void takesTurnsOverServingReplicas() {
        Map<String, Integer> counts = spread(algorithm(), List.of("read_0", "read_1", "read_2"), 300);
        assertThat(counts).containsOnly(Map.entry("read_0", 100), Map.entry("read_1", 100), Map.entry("read_2", 100));
    }

    @Test
    void skipsAReplicaOutOfRotation() throws Exception {
        LagAwareLoadBalanceAlgorithm a = algorithm();
        router.drain("read_1");
        Thread.sleep(25); // the readable set is reused for 20 ms
        Map<String, Integer> counts = spread(a, List.of("read_0", "read_1", "read_2"), 200);
        assertThat(counts).containsOnly(Map.entry("read_0", 100), Map.entry("read_2", 100));
        router.undrain("read_1");
        Thread.sleep(25);
        assertThat(spread(a, List.of("read_0", "read_1", "read_2"), 300)).containsKey("read_1");
    }

    @Test
    void onlyChoosesAmongTheNamesShardingSphereOffers() {
        assertThat(spread(algorithm(), List.of("read_2"), 10)).containsOnly(Map.entry("read_2", 10));
    }

    @Test
    void withNoServingReplicaTheDefaultIsThePrimary() throws Exception {
        router.drain("read_0");
        Thread.sleep(25);
        assertThat(algorithm().getTargetName("rw", List.of("read_0"))).isEqualTo("write_ds");
    }

    @Test
    void withNoServingReplicaAnyKeepsShardingSpheresTurns() throws Exception {
        router.drain("read_0");
        router.drain("read_1");
        Thread.sleep(25);
        assertThat(spread(algorithm("no-replica", "any"), List.of("read_0", "read_1"), 4))
                .containsOnly(Map.entry("read_0", 2), Map.entry("read_1", 2));
    }

    @Test
    void withNoServingReplicaFailNamesTheGroup() throws Exception {
        router.drain("read_0");
        Thread.sleep(25);
        LagAwareLoadBalanceAlgorithm a = algorithm("no-replica", "FAIL");
        assertThatThrownBy(() -> a.getTargetName("orders_rw", List.of("read_0")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'orders_rw'")
                .hasMessageContaining("no-replica=fail");
    }

    @Test
    void anUnregisteredRouterIsNamed() {
        Properties props = new Properties();
        props.setProperty("router", "nope");
        assertThatThrownBy(() -> new LagAwareLoadBalanceAlgorithm().init(props))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("router 'nope' is not registered");
    }

    @Test
    void neitherRouterNorUrlsIsRefused() {
        assertThatThrownBy(() -> new LagAwareLoadBalanceAlgorithm().init(new Properties()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url.<data source name>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sometimes", "", "primary-or-not"})
    void aBadNoReplicaValueIsNamed(String value) {
        Properties props = new Properties();
        props.setProperty("router", "unit");
        props.setProperty("no-replica", value);
        assertThatThrownBy(() -> new LagAwareLoadBalanceAlgorithm().init(props))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-replica")
                .hasMessageContaining("'" + value + "'");
    }

    @ParameterizedTest
    @CsvSource({"500ms,500", "2s,2000", "1m,60000", "PT1.5S,1500", "pt2s,2000", " 250ms ,250"})
    void durations(String text, long millis) {
        Properties props = new Properties();
        props.setProperty("max-lag", text);
        assertThat(LagAwareLoadBalanceAlgorithm.duration(props, "max-lag", "1s")).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "5", "ms", "1h", "PTX", "-"})
    void badDurationsNameTheKeyAndValue(String text) {
        Properties props = new Properties();
        props.setProperty("max-lag", text);
        assertThatThrownBy(() -> LagAwareLoadBalanceAlgorithm.duration(props, "max-lag", "1s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-lag")
                .hasMessageContaining(text.strip());
    }

    @Test
    void aSharedNameCannotBeTakenTwice() {
        assertThatThrownBy(() -> SharedTopologies.register("unit", RoutingDataSource.builder()
                .primary("p", new org.postgresql.ds.PGSimpleDataSource()).monitorInterval(Duration.ZERO).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'unit' is already registered");
    }

    @Test
    void itIsFoundByItsTypeName() {
        assertThat(new LagAwareLoadBalanceAlgorithm().getType()).isEqualTo("LAG_AWARE");
        assertThat(java.util.ServiceLoader.load(
                org.apache.shardingsphere.infra.algorithm.loadbalancer.core.LoadBalanceAlgorithm.class).stream()
                .map(p -> p.type().getName())).contains(LagAwareLoadBalanceAlgorithm.class.getName());
    }
}
