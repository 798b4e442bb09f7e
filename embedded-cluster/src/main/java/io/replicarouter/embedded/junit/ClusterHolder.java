package io.replicarouter.embedded.junit;

import io.replicarouter.embedded.EmbeddedCluster;

import java.util.function.Supplier;

/** One shared cluster in a JUnit store; closed by JUnit when its scope ends. */
final class ClusterHolder implements AutoCloseable {

    private final Supplier<EmbeddedCluster> factory;
    private EmbeddedCluster cluster;

    ClusterHolder(Supplier<EmbeddedCluster> factory) {
        this.factory = factory;
    }

    synchronized EmbeddedCluster get() {
        if (cluster == null) {
            cluster = factory.get();
        }
        return cluster;
    }

    /** Undoes the previous test's faults, or replaces a cluster whose topology it changed. */
    synchronized void prepareForTest() {
        EmbeddedCluster current = get();
        if (current.topologyChanged()) {
            current.close();
            cluster = null;
            get();
        } else {
            current.reset();
        }
    }

    @Override
    public synchronized void close() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
