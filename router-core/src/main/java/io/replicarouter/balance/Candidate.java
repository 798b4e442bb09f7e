package io.replicarouter.balance;

/**
 * What a {@link LoadBalancer} may know of a replica: its name, its configured weight and what the router
 * observes of it. The values are read while choosing and may change at any time.
 */
public interface Candidate {

    /** The node's name, as configured. */
    String name();

    /** The relative share of reads this node should take (1 when not configured); always at least 1. */
    int weight();

    /** Physical connections currently borrowed from this node's pool by the router (work in flight). */
    int outstanding();

    /** Exponentially weighted average of statement execution time on this node, in nanoseconds; 0 = unknown. */
    long latencyNanos();
}
