package io.replicarouter.shardingsphere;

import io.replicarouter.RoutingDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The builder's checks, all made before ShardingSphere or any server is touched. */
class ShardedRoutingTest {

    private final RoutingDataSource router = RoutingDataSource.builder()
            .primary("p", new org.postgresql.ds.PGSimpleDataSource()).monitorInterval(Duration.ZERO).build();

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void noShard() {
        assertThatThrownBy(() -> ShardedRouting.builder().table("orders", "user_id").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no shard given");
    }

    @Test
    void noTable() {
        assertThatThrownBy(() -> ShardedRouting.builder().shard("ds_0", router).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no sharded table given");
    }

    @Test
    void aShardTwice() {
        assertThatThrownBy(() -> ShardedRouting.builder().shard("ds_0", router).shard("ds_0", router))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard 'ds_0' is given twice");
    }

    @Test
    void aTableTwice() {
        assertThatThrownBy(() -> ShardedRouting.builder().table("orders", "a").table("ORDERS", "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table 'ORDERS' is given twice");
    }

    @Test
    void aNullRouter() {
        assertThatThrownBy(() -> ShardedRouting.builder().shard("ds_0", (RoutingDataSource) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard 'ds_0': router");
    }

    @Test
    void aNullSupplier() {
        assertThatThrownBy(() -> ShardedRouting.builder().shard("ds_0",
                (java.util.function.Supplier<RoutingDataSource>) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard 'ds_0': router");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1ds", "ds-0", "ds 0", "ds;drop"})
    void namesMustBeIdentifiers(String name) {
        assertThatThrownBy(() -> ShardedRouting.builder().shard(name, router))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
        assertThatThrownBy(() -> ShardedRouting.builder().table(name, "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table name");
        assertThatThrownBy(() -> ShardedRouting.builder().table("t", name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sharding column");
    }

    @ParameterizedTest
    @CsvSource({"a,b", "ds_1,ds_0", "ds_0,db_1", "ds_0,ds_2", "ds_1,ds_2"})
    void theDefaultAlgorithmNeedsNumberedShards(String first, String second) {
        assertThatThrownBy(() -> ShardedRouting.builder().shard(first, router).shard(second, router)
                .table("orders", "user_id").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(first + "," + second)
                .hasMessageContaining("table(name, column, algorithm)");
    }

    @Test
    void theUrlGivenToShardingSphereHasNoParameters() {
        assertThat(RoutedShard.withoutParameters("jdbc:postgresql://h:5432/app?password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h:5432/app");
        assertThat(RoutedShard.withoutParameters("jdbc:postgresql://h/app")).isEqualTo("jdbc:postgresql://h/app");
        assertThat(RoutedShard.withoutParameters(null)).isNull();
    }
}
