package io.replicarouter.spring.embedded;

import io.replicarouter.embedded.EmbeddedCluster;

/**
 * The dev-services cluster as a bean: started before the router (which depends on this bean) and stopped after it,
 * when the context closes; the cluster's own JVM shutdown hook stops it if the context is never closed. Inject it
 * for the cluster's fault controls in a demo ({@code cluster().pauseReplay(cluster().replica(0))}).
 */
public final class EmbeddedReplicaCluster implements AutoCloseable {

    private final EmbeddedClusterPropertySource source;

    EmbeddedReplicaCluster(EmbeddedClusterPropertySource source) {
        this.source = source;
        source.cluster();
    }

    /** The running cluster. */
    public EmbeddedCluster cluster() {
        return source.cluster();
    }

    /** Stops the servers and removes their files. */
    @Override
    public void close() {
        source.close();
    }

    @Override
    public String toString() {
        return "EmbeddedReplicaCluster" + source;
    }
}
