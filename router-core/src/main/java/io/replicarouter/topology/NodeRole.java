package io.replicarouter.topology;

/** What a node is configured (or, later, discovered) to be. */
public enum NodeRole {
    PRIMARY,
    REPLICA
}
