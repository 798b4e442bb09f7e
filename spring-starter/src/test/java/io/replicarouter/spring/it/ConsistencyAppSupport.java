package io.replicarouter.spring.it;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.it.consistency.ConsistencyTestApp;
import io.replicarouter.spring.it.consistency.Items;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.UUID;

/**
 * The consistency ITs share one application on a random port (one context for all of them). The replicas stay
 * eligible while their replay is paused (lag limits of an hour and a gigabyte), as replicas lagging within
 * max-lag do: a read that does not require the write goes to a paused replica and misses it.
 */
@SpringBootTest(classes = ConsistencyTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.flyway.enabled=false", "replica-router.max-lag=1h", "replica-router.max-lag-bytes=1GB",
                "spring.application.name=consistency-it"})
abstract class ConsistencyAppSupport {

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        SharedCluster.properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @BeforeAll
    static void table() throws Exception {
        SharedCluster.onPrimary(Items.TABLE);
        SharedCluster.get().waitForCatchUp(Duration.ofSeconds(10));
    }

    @BeforeEach
    void healthyCluster() {
        SharedCluster.get().reset();
    }

    /** Work that may throw. */
    interface Work {
        void run() throws Exception;
    }

    /** Runs {@code work} with replay paused on every replica, resumed in the end whatever happens. */
    static void withReplayPaused(Work work) throws Exception {
        EmbeddedCluster cluster = SharedCluster.get();
        try {
            for (ClusterNode replica : cluster.replicas()) {
                cluster.pauseReplay(replica);
            }
            work.run();
        } finally {
            for (ClusterNode replica : cluster.replicas()) {
                cluster.resumeReplay(replica);
            }
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String node(int port) {
        return SharedCluster.nodeOfPort(port);
    }
}
