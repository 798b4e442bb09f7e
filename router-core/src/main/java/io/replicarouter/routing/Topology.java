package io.replicarouter.routing;

import io.replicarouter.topology.Node;

import java.util.List;

/**
 * An immutable view of the nodes, swapped as a whole when roles or eligibility change.
 *
 * @param primary        the node that takes writes, or {@code null} while there is none
 * @param replicas       the replicas that may serve reads now (reachable, not fenced, lag within limits)
 * @param all            every node, by {@link Node#index()}
 * @param slowStarting   replicas readmitted recently, which get a rising share of reads
 * @param slowStartBegin when each of {@code slowStarting} was readmitted (System.nanoTime), same order
 * @param slowStartNanos length of a slow start
 * @param noPrimaryReason while there is no primary: why (what the nodes answered), for the error writes get
 */
public record Topology(Node primary, List<Node> replicas, List<Node> all, List<Node> slowStarting,
                       long[] slowStartBegin, long slowStartNanos, String noPrimaryReason) {

    public Topology {
        replicas = List.copyOf(replicas);
        all = List.copyOf(all);
        slowStarting = List.copyOf(slowStarting);
        if (noPrimaryReason == null) {
            noPrimaryReason = "unreachable, or a failover is in progress";
        }
    }

    /** A topology without slow starts. */
    public Topology(Node primary, List<Node> replicas, List<Node> all) {
        this(primary, replicas, all, List.of(), new long[0], 0, primary == null ? "the monitor has not found one yet" : null);
    }

    /** The share of reads (0..1] a replica may take now: below 1 while it slow-starts. */
    public double share(Node replica, long now) {
        for (int i = 0; i < slowStarting.size(); i++) {
            if (slowStarting.get(i) == replica) {
                double elapsed = (double) (now - slowStartBegin[i]) / slowStartNanos;
                return Math.max(0.1, Math.min(1.0, elapsed));
            }
        }
        return 1.0;
    }
}
