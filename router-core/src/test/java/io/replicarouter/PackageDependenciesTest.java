package io.replicarouter;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Data flows one way: the monitor ({@code topology}) publishes, the router ({@code routing}) reads. */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/io/replicarouter");

    /** The sources of {@code pkg} that mention {@code io.replicarouter.<other>.} (imports or qualified names). */
    private static List<String> uses(String pkg, String other) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains("io.replicarouter." + other + ".")) {
                    found.add(f.getFileName().toString());
                }
            }
        }
        return found;
    }

    @Test
    void topologyDoesNotDependOnRoutingNorOnTheJdbcLayer() throws IOException {
        assertThat(Files.isDirectory(MAIN.resolve("topology"))).isTrue();
        assertThat(uses("topology", "routing")).isEmpty();
        assertThat(uses("topology", "jdbc")).isEmpty();
    }

    @Test
    void routingDoesNotDependOnTheJdbcLayer() throws IOException {
        assertThat(uses("routing", "jdbc")).isEmpty();
    }

    @Test
    void balancersSeeCandidatesOnly() throws IOException {
        assertThat(uses("balance", "topology")).isEmpty();
        assertThat(uses("balance", "routing")).isEmpty();
    }
}
