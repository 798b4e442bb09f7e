package io.replicarouter.spring.it;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.ReplicaRouterConfigurationException;
import io.replicarouter.spring.it.ops.OpsTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The start-up checks that need the servers: nodes of another cluster (a second embedded cluster), a primary URL that
 * reaches a standby, a replica URL that reaches a primary. Each fails the start naming the property.
 */
class StartupChecksIT {

    private static EmbeddedCluster other;

    @BeforeAll
    static void startOther() {
        SharedCluster.get();
        other = EmbeddedCluster.builder().replicas(1).database("app").start();
    }

    @AfterAll
    static void stopOther() {
        if (other != null) {
            other.close();
        }
    }

    @Test
    void aReplicaOfAnotherCluster() {
        ReplicaRouterConfigurationException e = startFailure(Map.of("replica-router.replicas[1].url",
                other.replica(0).jdbcUrl()));
        assertThat(e.getProperty()).isEqualTo("replica-router.replicas[1].url");
        assertThat(e.getValue()).isEqualTo(other.replica(0).jdbcUrl());
        assertThat(e.getReason()).contains("another cluster").contains("system identifier");
    }

    @Test
    void aReplicaUrlThatReachesAPrimary() {
        ReplicaRouterConfigurationException e = startFailure(Map.of("replica-router.replicas[0].url",
                other.primary().jdbcUrl()));
        assertThat(e.getProperty()).isEqualTo("replica-router.replicas[0].url");
        assertThat(e.getReason()).contains("reaches a primary");
    }

    @Test
    void aPrimaryUrlThatReachesAStandby() {
        ReplicaRouterConfigurationException e = startFailure(Map.of("spring.datasource.url",
                other.replica(0).jdbcUrl()));
        assertThat(e.getProperty()).isEqualTo("spring.datasource.url");
        assertThat(e.getReason()).contains("reaches a standby");
    }

    @Test
    void theChecksCanBeTurnedOff() {
        Map<String, String> p = new LinkedHashMap<>(Map.of("replica-router.replicas[1].url",
                other.replica(0).jdbcUrl()));
        p.put("replica-router.verify-nodes", "false");
        try (ConfigurableApplicationContext context = start(p)) {
            assertThat(context.isActive()).isTrue();
        }
    }

    private static ReplicaRouterConfigurationException startFailure(Map<String, String> overrides) {
        Throwable failure = catchThrowable(() -> start(overrides).close());
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ReplicaRouterConfigurationException e) {
                return e;
            }
        }
        throw new AssertionError("no ReplicaRouterConfigurationException", failure);
    }

    /** The shared cluster's properties with {@code overrides} on top (each property once on the command line). */
    private static ConfigurableApplicationContext start(Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>(SharedCluster.properties());
        p.putAll(overrides);
        p.put("spring.flyway.enabled", "false");
        p.put("replica-router.probe-timeout", "2s");
        List<String> args = new ArrayList<>();
        p.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new SpringApplicationBuilder(OpsTestApp.class).web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }
}
