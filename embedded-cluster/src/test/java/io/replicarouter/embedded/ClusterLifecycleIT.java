package io.replicarouter.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Clusters of their own: promotion, close, credentials, bad input, clean-up after a dead JVM. */
class ClusterLifecycleIT {

    @Test
    void promoteMakesAReplicaWritableAndFollowRepointsTheOther() {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start()) {
            Sql.exec(cluster.primary(), "CREATE TABLE p (id int primary key)");
            cluster.waitForCatchUp(Duration.ofSeconds(10));
            cluster.stop(cluster.primary());

            ClusterNode promoted = cluster.promote(cluster.replica(0));

            assertThat(Sql.one(promoted, "SELECT pg_is_in_recovery()")).isEqualTo("f");
            Sql.exec(promoted, "INSERT INTO p VALUES (1)");
            assertThat(cluster.currentPrimary()).isEqualTo(promoted);
            assertThat(cluster.primary().name()).isEqualTo("primary"); // the created layout does not change
            assertThat(cluster.topologyChanged()).isTrue();
            assertThat(Long.parseLong(Sql.one(promoted, "SELECT timeline_id FROM pg_control_checkpoint()")))
                    .isGreaterThanOrEqualTo(1);

            cluster.follow(cluster.replica(1), promoted);
            Sql.exec(promoted, "INSERT INTO p VALUES (2)");
            cluster.waitForCatchUp(Duration.ofSeconds(10));
            assertThat(Sql.one(cluster.replica(1), "SELECT count(*) FROM p")).isEqualTo("2");
            assertThatThrownBy(cluster::reset).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("topology changed");
        }
    }

    @Test
    void closeLeavesNoServerProcessAndNoDirectory() {
        EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start();
        List<Long> pids = cluster.nodes().stream().map(n -> DataDirs.postmasterPid(n.dataDir())).toList();
        Path dir = cluster.directory();
        assertThat(pids).allMatch(ServerProcesses::isAlive);
        cluster.kill(cluster.replica(0)); // a dead node must not disturb close

        cluster.close();
        cluster.close(); // idempotent

        assertThat(pids).noneMatch(ServerProcesses::isAlive);
        assertThat(dir).doesNotExist();
        assertThat(cluster.nodes()).noneMatch(Sql::canConnect);
    }

    @Test
    void closeThawsAFrozenNodeAndLeavesNoProcessStopped() throws Exception {
        EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1).start();
        List<Long> pids;
        try {
            cluster.freeze(cluster.replica(0));
            pids = ServerProcesses.tree(DataDirs.postmasterPid(cluster.replica(0).dataDir()));
            assertThat(pids).isNotEmpty().allMatch(p -> ServerProcesses.state(p) == ServerProcesses.STOPPED);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        Path dir = cluster.directory();
        long started = System.nanoTime();
        cluster.close();
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(pids).noneMatch(p -> ServerProcesses.state(p) == ServerProcesses.STOPPED);
        assertThat(pids).noneMatch(ServerProcesses::isAlive);
        assertThat(dir).doesNotExist();
        // An immediate shutdown of a server still stopped would only end by pg_ctl's 10 s timeout.
        assertThat(millis).as("close of a cluster with a frozen replica, ms").isLessThan(10_000);
    }

    @Test
    void onlyAPrimaryWhenNoReplicasAreAskedFor() {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(0).start()) {
            assertThat(cluster.nodes()).containsExactly(cluster.primary());
            assertThat(cluster.replicas()).isEmpty();
            cluster.waitForCatchUp(Duration.ofSeconds(1));
            assertThat(Sql.one(cluster.primary(), "SELECT pg_is_in_recovery()")).isEqualTo("f");
        }
    }

    @Test
    void passwordProtectedClusterWithItsOwnDatabase() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(1)
                .credentials("app_admin", "s3cret 'quoted'").database("forum")
                .postgresSetting("max_connections", "120")
                .postgresSetting("application_name", "it's configured")
                .start()) {
            ClusterNode primary = cluster.primary();
            assertThat(primary.database()).isEqualTo("forum");
            assertThat(primary.toString()).doesNotContain("s3cret");
            assertThat(Sql.one(primary, "SELECT current_user || '@' || current_database()"))
                    .isEqualTo("app_admin@forum");
            assertThat(Sql.one(cluster.replica(0), "SHOW max_connections")).isEqualTo("120");
            assertThatThrownBy(() -> DriverManager.getConnection(primary.jdbcUrl(), "app_admin", "wrong"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            Sql.exec(primary, "CREATE TABLE t (id int)");
            Sql.exec(primary, "INSERT INTO t VALUES (1)");
            cluster.waitForCatchUp(Duration.ofSeconds(10));
            assertThat(Sql.one(cluster.replica(0), "SELECT count(*) FROM t")).isEqualTo("1");
        }
    }

    @Test
    void aSettingPostgresRejectsFailsStartWithTheServersOwnMessage(@TempDir Path base) throws Exception {
        assertThatThrownBy(() -> EmbeddedCluster.builder().baseDirectory(base).replicas(1)
                .postgresSetting("shared_buffers", "plenty").start())
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("primary did not start")
                .hasMessageContaining("shared_buffers")
                .hasMessageContaining("plenty");
        try (Stream<Path> left = Files.list(base)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith(StaleClusters.PREFIX));
        }
        // No server of this base directory is left (other tests' clusters may run in this JVM).
        assertThat(ProcessHandle.current().descendants()
                .filter(h -> String.join(" ", h.info().arguments().orElse(new String[0])).contains(base.toString())))
                .isEmpty();
    }

    @Test
    void badInputIsRefusedWithTheSettingAndValueNamed() {
        assertThatThrownBy(() -> EmbeddedCluster.builder().replicas(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicas").hasMessageContaining("-1");
        assertThatThrownBy(() -> EmbeddedCluster.builder().binariesDirectory(Path.of("/no/such/postgres")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("binariesDirectory").hasMessageContaining("/no/such/postgres");
        assertThatThrownBy(() -> EmbeddedCluster.builder().postgresSetting("port", "5432"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'port'");
    }

    @Test
    void binariesDirectoryWithoutProgramsIsRefused(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("bin/initdb"), "");
        assertThatThrownBy(() -> EmbeddedCluster.builder().binariesDirectory(dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bin/initdb");
    }

    @Test
    void binariesDirectoryIsUsedInsteadOfTheJar() {
        // The binaries the bundled cluster extracted are a valid installation to point at.
        Path home;
        try (EmbeddedCluster bundled = EmbeddedCluster.builder().replicas(0).start()) {
            home = PostgresBinaries.bundled(bundled.directory().getParent()).home();
        }
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().binariesDirectory(home).replicas(1).start()) {
            assertThat(Sql.one(cluster.replica(0), "SHOW server_version")).startsWith("18.");
        }
    }

    @Test
    void serversLeftByADeadJvmAreStoppedAndRemovedByTheNextCluster(@TempDir Path base) throws Exception {
        EmbeddedCluster orphan = EmbeddedCluster.builder().baseDirectory(base).replicas(1).start();
        List<Long> pids = orphan.nodes().stream().map(n -> DataDirs.postmasterPid(n.dataDir())).toList();
        // Pretend the owner was a JVM that has exited: a process that has just finished.
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Files.writeString(orphan.directory().resolve(StaleClusters.OWNER_FILE), Long.toString(finished.pid()));

        try (EmbeddedCluster next = EmbeddedCluster.builder().baseDirectory(base).replicas(0).start()) {
            assertThat(pids).noneMatch(ServerProcesses::isAlive);
            assertThat(orphan.directory()).doesNotExist();
            assertThat(next.directory()).exists();
        } finally {
            orphan.close();
        }
    }
}
