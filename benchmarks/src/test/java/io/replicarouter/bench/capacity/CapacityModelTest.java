package io.replicarouter.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Hand-worked cases of the capacity arithmetic. Figures: app 1000 req/s/core, reads 10000/s/core, writes 2000/s/core,
 * replay 10 MB/s, pooler 20000 tx/s/core; utilisation 0.5 throughout. */
class CapacityModelTest {

    static CapacityModel.Figures figures(double walBytesPerWrite, Double pooler) {
        return new CapacityModel.Figures(1000, 10_000, 2000, walBytesPerWrite, 10_000_000, pooler);
    }

    static CapacityModel.Workload workload(double rps, double cacheHit, double readShare) {
        // app 2 cores/instance, replica 4 cores, primary 4 cores, pool 10, max_connections 100, 10 replicas/primary
        return new CapacityModel.Workload(rps, cacheHit, 1, readShare, 0.5, 2, 4, 4, 10, 100, 10);
    }

    @Test
    void smallSiteNeedsOnePrimaryAndOneReplica() {
        // app: 1000 / (1000*0.5) = 2 cores -> 1 instance; reads 900, writes 100
        // write CPU: 100 / (2000*4*0.5) = 0.025 -> 1; WAL 100*500 = 50 000 B/s / 5e6 -> 1
        // replicas: 900 / (10000*4*0.5) = 0.045 -> 1; connections 1*10 = 10 <= 100
        CapacityModel.Plan p = CapacityModel.plan(figures(500, 20_000.0), workload(1000, 0, 0.9));
        assertThat(p.appCores()).isEqualTo(2);
        assertThat(p.appInstances()).isEqualTo(1);
        assertThat(p.shards()).isEqualTo(1);
        assertThat(p.replicas()).isEqualTo(1);
        assertThat(p.shardBinding()).isEqualTo(CapacityModel.Binding.NONE);
        assertThat(p.poolerNeeded()).isFalse();
        assertThat(p.walBytesPerSecond()).isEqualTo(50_000);
    }

    @Test
    void writeHeavyLoadIsBoundByPrimaryCpu() {
        // writes 100000*0.5 = 50 000; write CPU 50000/4000 = 12.5 -> 13; WAL 25e6/5e6 = 5; reads 50000/20000 = 2.5 -> 3
        // shards 13 (write CPU), replicas ceil(3/13) = 1 per shard -> 13
        // app 100000/500 = 200 cores -> 100 instances -> 1000 connections/node > 100 -> pooler 100000/10000 = 10 cores
        CapacityModel.Plan p = CapacityModel.plan(figures(500, 20_000.0), workload(100_000, 0, 0.5));
        assertThat(p.shardsByWriteCpu()).isEqualTo(13);
        assertThat(p.shardsByReplay()).isEqualTo(5);
        assertThat(p.shards()).isEqualTo(13);
        assertThat(p.shardBinding()).isEqualTo(CapacityModel.Binding.PRIMARY_WRITE_CPU);
        assertThat(p.replicasPerShard()).isEqualTo(1);
        assertThat(p.replicas()).isEqualTo(13);
        assertThat(p.appCores()).isEqualTo(200);
        assertThat(p.appInstances()).isEqualTo(100);
        assertThat(p.clientConnectionsPerNode()).isEqualTo(1000);
        assertThat(p.poolerNeeded()).isTrue();
        assertThat(p.poolerCores()).isEqualTo(10);
    }

    @Test
    void fatWalIsBoundByReplayRate() {
        // writes 5000; CPU 5000/4000 = 1.25 -> 2; WAL 5000*5000 = 25e6 / 5e6 = 5 -> 5 shards (replay)
        // app 10000/500 = 20 cores -> 10 instances -> 100 connections = max_connections: no pooler (boundary)
        CapacityModel.Plan p = CapacityModel.plan(figures(5000, null), workload(10_000, 0, 0.5));
        assertThat(p.shardsByWriteCpu()).isEqualTo(2);
        assertThat(p.shards()).isEqualTo(5);
        assertThat(p.shardBinding()).isEqualTo(CapacityModel.Binding.REPLICA_REPLAY_RATE);
        assertThat(p.clientConnectionsPerNode()).isEqualTo(100);
        assertThat(p.poolerNeeded()).isFalse();
        assertThat(p.replicas()).isEqualTo(5);
    }

    @Test
    void readHeavyMillionIsBoundByReplicasPerPrimary() {
        // 1e6 * (1-0.6) = 400 000 reach the app; reads 396 000, writes 4000
        // CPU 4000/4000 = exactly 1 (not rounded up to 2); WAL 2e6/5e6 -> 1
        // replicas 396000/20000 = 19.8 -> 20; at most 10 per primary -> 2 shards (fan-out), 10 each
        // app 400000/500 = 800 cores -> 400 instances -> 4000 connections -> pooler 400000/10000 = 40 cores
        CapacityModel.Plan p = CapacityModel.plan(figures(500, 20_000.0), workload(1_000_000, 0.6, 0.99));
        assertThat(p.appRequestsPerSecond()).isEqualTo(400_000);
        assertThat(p.shardsByWriteCpu()).isEqualTo(1);
        assertThat(p.shardsByFanOut()).isEqualTo(2);
        assertThat(p.shards()).isEqualTo(2);
        assertThat(p.shardBinding()).isEqualTo(CapacityModel.Binding.REPLICAS_PER_PRIMARY);
        assertThat(p.replicasPerShard()).isEqualTo(10);
        assertThat(p.replicas()).isEqualTo(20);
        assertThat(p.appCores()).isEqualTo(800);
        assertThat(p.poolerCores()).isEqualTo(40);
    }

    @Test
    void neededPoolerWithoutFigureNamesTheFlag() {
        assertThatThrownBy(() -> CapacityModel.plan(figures(500, null), workload(1_000_000, 0.6, 0.99)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--pooler-tx-per-core")
                .hasMessageContaining("4000");
    }

    @Test
    void allReadsNeedNoWriteCapacityButOnePrimary() {
        // read share 1: writes 0 -> 1 primary; reads 1000/20000 -> 1 replica
        CapacityModel.Plan p = CapacityModel.plan(figures(500, null), workload(1000, 0, 1));
        assertThat(p.writesPerSecond()).isZero();
        assertThat(p.shards()).isEqualTo(1);
        assertThat(p.replicas()).isEqualTo(1);
    }

    @Test
    void ceilIgnoresFloatingPointNoise() {
        assertThat(CapacityModel.ceil(2.0000000000004)).isEqualTo(2);
        assertThat(CapacityModel.ceil(2.01)).isEqualTo(3);
        assertThat(CapacityModel.ceil(0.3 / 0.1)).isEqualTo(3);
    }
}
