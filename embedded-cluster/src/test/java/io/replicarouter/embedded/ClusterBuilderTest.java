package io.replicarouter.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterBuilderTest {

    @ParameterizedTest
    @ValueSource(ints = {-1, -100, 17, Integer.MAX_VALUE})
    void replicasOutOfRange(int count) {
        assertThatThrownBy(() -> EmbeddedCluster.builder().replicas(count))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replicas must be between 0 and 16, was " + count);
    }

    @ParameterizedTest
    @ValueSource(strings = {"port", "PORT", "listen_addresses", "primary_conninfo", "primary_slot_name", "data_directory"})
    void settingsTheClusterOwnsAreRefused(String name) {
        assertThatThrownBy(() -> EmbeddedCluster.builder().postgresSetting(name, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'").hasMessageContaining("managed by the cluster");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1abc", "a b", "a=b", "a;b"})
    void settingNamesMustBeParameterNames(String name) {
        assertThatThrownBy(() -> EmbeddedCluster.builder().postgresSetting(name, "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
    }

    @Test
    void settingValuesMustBeOneLine() {
        assertThatThrownBy(() -> EmbeddedCluster.builder().postgresSetting("work_mem", "1\nfsync=off"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("work_mem");
        assertThatThrownBy(() -> EmbeddedCluster.builder().postgresSetting("work_mem", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    }

    @Test
    void settingsAreKeptLowerCaseAndTheLastOneWins() {
        ClusterSpec spec = EmbeddedCluster.builder().postgresSetting("Work_Mem", "1MB")
                .postgresSetting("work_mem", "2MB").spec();
        assertThat(spec.settings()).containsEntry("work_mem", "2MB").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "App", "my-db", "1db", "a b", "x;drop"})
    void databaseAndUserMustBeSimpleNames(String name) {
        assertThatThrownBy(() -> EmbeddedCluster.builder().database(name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database").hasMessageContaining(name);
        assertThatThrownBy(() -> EmbeddedCluster.builder().credentials(name, "pw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username");
    }

    @Test
    void startupTimeoutMustBePositive() {
        assertThatThrownBy(() -> EmbeddedCluster.builder().startupTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startupTimeout");
        assertThatThrownBy(() -> EmbeddedCluster.builder().startupTimeout(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startupTimeout");
    }

    @Test
    void defaults() {
        ClusterSpec spec = EmbeddedCluster.builder().spec();
        assertThat(spec.replicas()).isEqualTo(2);
        assertThat(spec.database()).isEqualTo("postgres");
        assertThat(spec.username()).isEqualTo("postgres");
        assertThat(spec.usesPassword()).isFalse();
    }

    @Test
    void containerImageMustBeNamed() {
        assertThatThrownBy(() -> ContainerCluster.builder().image(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image");
        assertThatThrownBy(() -> ContainerCluster.builder().replicas(-2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
    }
}
