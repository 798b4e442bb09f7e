package io.replicarouter.spring.it;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JPA routing inside one web request that runs several transactions, with {@code spring.jpa.open-in-view} on
 * ({@link OpenInViewOnIT}) and off ({@link OpenInViewOffIT}). With open-in-view, the request's EntityManager holds
 * one JDBC connection (the router's logical connection) across all its transactions: the read-only ones must still
 * land on a replica, the read-write one on the primary, and a read after the request's own write must see it with
 * replay paused on every replica. The replicas stay eligible while paused (lag limits of an hour and a gigabyte),
 * so a read that ignored the write would miss it.
 */
@TestPropertySource(properties = {"spring.flyway.locations=classpath:db/it-app",
        "replica-router.max-lag=1h", "replica-router.max-lag-bytes=1GB"})
abstract class OpenInViewChecks {

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        SharedCluster.properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Whether this class runs with open-in-view on. */
    abstract boolean openInView();

    @BeforeEach
    void healthyCluster() {
        SharedCluster.get().reset();
    }

    /** POSTs to {@code path} and parses the {@code step=node@connection[=count]} lines of the answer. */
    private Map<String, String> steps(String path, String text) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + path + "?text=" + text))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, String> steps = new LinkedHashMap<>();
        for (String line : response.body().strip().split("\n")) {
            int eq = line.indexOf('=');
            steps.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return steps;
    }

    private static String node(String step) {
        return step.substring(0, step.indexOf('@') < 0 ? step.indexOf('=') : step.indexOf('@'));
    }

    private static String connection(String step) {
        String rest = step.substring(step.indexOf('@') + 1);
        return rest.contains("=") ? rest.substring(0, rest.indexOf('=')) : rest;
    }

    private static String seen(String step) {
        return step.substring(step.lastIndexOf('=') + 1);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void readOnlyTransactionsOfARequestUseReplicasAndItsWriteThePrimary() throws Exception {
        String text = unique("oiv-mixed");
        Map<String, String> steps = steps("/steps/mixed", text);

        assertThat(node(steps.get("readOnly"))).as("first read-only transaction").startsWith("replica");
        assertThat(node(steps.get("write"))).as("the read-write transaction").isEqualTo("primary");
        assertThat(node(steps.get("readOnlyAfter"))).as("a read-only transaction once the replicas caught up")
                .startsWith("replica");
        assertThat(seen(steps.get("readOnlyAfter"))).isEqualTo("1");
        assertThat(node(steps.get("noTransaction"))).as("a repository read without a transaction")
                .startsWith("replica");
        assertThat(seen(steps.get("noTransaction"))).isEqualTo("1");
        assertThat(SharedCluster.query(SharedCluster.get().primary(),
                "select count(*) from it_note where text = '" + text + "'")).isEqualTo(1L);

        if (openInView()) {
            // The point of the check: one connection, held by the request's EntityManager, served all three
            // transactions, each routed on its own.
            assertThat(connection(steps.get("write"))).isEqualTo(connection(steps.get("readOnly")));
            assertThat(connection(steps.get("readOnlyAfter"))).isEqualTo(connection(steps.get("readOnly")));
        }
    }

    @Test
    void aRequestReadsItsOwnWriteWithReplayPausedOnEveryReplica() throws Exception {
        EmbeddedCluster cluster = SharedCluster.get();
        String text = unique("oiv-ryw");
        Map<String, String> steps;
        try {
            for (ClusterNode replica : cluster.replicas()) {
                cluster.pauseReplay(replica);
            }
            steps = steps("/steps/read-your-write", text);
        } finally {
            for (ClusterNode replica : cluster.replicas()) {
                cluster.resumeReplay(replica);
            }
        }
        assertThat(node(steps.get("write"))).isEqualTo("primary");
        assertThat(seen(steps.get("readOnlyAfter"))).as("read-only transaction after the write, " + steps)
                .isEqualTo("1");
        assertThat(seen(steps.get("noTransaction"))).as("repository read after the write, " + steps)
                .isEqualTo("1");
        if (openInView()) {
            assertThat(connection(steps.get("readOnlyAfter"))).isEqualTo(connection(steps.get("write")));
        }
    }
}
