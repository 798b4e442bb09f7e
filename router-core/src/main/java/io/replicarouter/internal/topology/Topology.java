package io.replicarouter.internal.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An immutable view of the nodes, read by the router on every routing decision and replaced as a whole: by the
 * monitor once per round, and by {@link TopologyHolder#drain} at once. Owned by this package: the monitor
 * publishes it, {@code routing.Router} reads it.
 */
public final class Topology {

    private final Node primary;
    private final List<Node> eligible;
    private final List<Node> replicas;
    private final List<Node> all;
    private final List<Node> slowStarting;
    private final long[] slowStartBegin;
    private final long slowStartNanos;
    private final String noPrimaryReason;
    private final Set<Node> drained;
    private final MonitorState observed;
    private final Instant observedWall;

    /**
     * @param primary         the node that takes writes, or {@code null} while there is none
     * @param eligible        the replicas the monitor lets serve reads (reachable, not fenced, lag within limits)
     * @param all             every node, by {@link Node#index()}
     * @param slowStarting    replicas readmitted recently, which get a rising share of reads
     * @param slowStartBegin  when each of {@code slowStarting} was readmitted (System.nanoTime), same order
     * @param slowStartNanos  length of a slow start
     * @param noPrimaryReason while there is no primary: why (what the nodes answered), for the error writes get
     * @param drained         nodes an administrator drained: no replica reads, whatever the monitor says
     * @param observed        the monitor's round this topology comes from; {@code null} with the monitor off
     * @param observedWall    the wall-clock time of that round (for display), {@code null} with the monitor off
     */
    public Topology(Node primary, List<Node> eligible, List<Node> all, List<Node> slowStarting, long[] slowStartBegin,
                    long slowStartNanos, String noPrimaryReason, Set<Node> drained, MonitorState observed,
                    Instant observedWall) {
        this.primary = primary;
        this.eligible = List.copyOf(eligible);
        this.all = List.copyOf(all);
        this.slowStarting = List.copyOf(slowStarting);
        this.slowStartBegin = slowStartBegin.clone();
        this.slowStartNanos = slowStartNanos;
        this.noPrimaryReason = noPrimaryReason != null ? noPrimaryReason : "unreachable, or a failover is in progress";
        this.drained = Set.copyOf(drained);
        this.observed = observed;
        this.observedWall = observedWall;
        List<Node> serving = new ArrayList<>(this.eligible);
        serving.removeAll(this.drained);
        this.replicas = List.copyOf(serving);
    }

    /** A topology without slow starts nor monitor observations (the configured roles). */
    public Topology(Node primary, List<Node> replicas, List<Node> all) {
        this(primary, replicas, all, List.of(), new long[0], 0,
                primary == null ? "the monitor has not found one yet" : null, Set.of(), null, null);
    }

    /** The same topology with another set of drained nodes. */
    public Topology withDrained(Set<Node> nodes) {
        return new Topology(primary, eligible, all, slowStarting, slowStartBegin, slowStartNanos, noPrimaryReason,
                nodes, observed, observedWall);
    }

    /** The node that takes writes, or {@code null} while there is none. */
    public Node primary() {
        return primary;
    }

    /** The replicas reads may use now: eligible and not drained. */
    public List<Node> replicas() {
        return replicas;
    }

    /** The replicas the monitor lets serve reads, drained or not. */
    public List<Node> eligible() {
        return eligible;
    }

    /** Every node, by {@link Node#index()}. */
    public List<Node> all() {
        return all;
    }

    public List<Node> slowStarting() {
        return slowStarting;
    }

    public String noPrimaryReason() {
        return noPrimaryReason;
    }

    public Set<Node> drained() {
        return drained;
    }

    /** The monitor's round this topology comes from, {@code null} with the monitor off. */
    public MonitorState observed() {
        return observed;
    }

    /** The wall-clock time of {@link #observed()}, {@code null} with the monitor off. */
    public Instant observedWall() {
        return observedWall;
    }

    /** The share of reads (0..1] a replica may take now: below 1 while it slow-starts. */
    public double share(Node replica, long now) {
        for (int i = 0; i < slowStarting.size(); i++) {
            if (slowStarting.get(i) == replica) {
                return SlowStart.share(now - slowStartBegin[i], slowStartNanos);
            }
        }
        return 1.0;
    }

    /** Whether {@code replica} slow-starts in this topology. */
    public boolean slowStarting(Node replica) {
        return slowStarting.contains(replica);
    }
}
