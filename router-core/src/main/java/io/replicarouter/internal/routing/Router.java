package io.replicarouter.internal.routing;

import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.balance.Candidate;
import io.replicarouter.balance.LoadBalancer;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.Topology;
import io.replicarouter.internal.topology.TopologyHolder;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks concrete nodes for planned statements: the primary, or a replica chosen by the balancer among those
 * the current {@link Topology} lists as eligible (and not drained), that are up, and that meet the read's
 * {@link ReadRequirement}. Allocates nothing when every replica qualifies. Reads the topology the monitor
 * publishes (one volatile load per decision); never writes it.
 */
public final class Router {

    private final TopologyHolder topology;
    private final LoadBalancer balancer;
    private final NoReplicaPolicy noReplicaPolicy;
    private volatile boolean closed;

    public Router(TopologyHolder topology, LoadBalancer balancer, NoReplicaPolicy noReplicaPolicy) {
        this.topology = topology;
        this.balancer = balancer;
        this.noReplicaPolicy = noReplicaPolicy;
    }

    public Topology topology() {
        return topology.get();
    }

    /** The data source is closing: failures are no longer retried nor taken for node failures. */
    public void close() {
        closed = true;
        for (Node n : topology.get().all()) {
            n.health().close();
        }
    }

    public boolean closed() {
        return closed;
    }

    public NoReplicaPolicy noReplicaPolicy() {
        return noReplicaPolicy;
    }

    /**
     * The primary.
     *
     * @throws SQLException SQLState 08001 when there is none (writes fail fast instead of hanging)
     */
    public Node primary() throws SQLException {
        Topology t = topology.get();
        Node primary = t.primary();
        if (primary == null) {
            throw new SQLNonTransientConnectionException("no primary is available (" + t.noPrimaryReason()
                    + "): the statement was not sent", "08001");
        }
        return primary;
    }

    /** {@link #chooseReplica(Node, Node, ReadRequirement)} without requirement. */
    public Node chooseReplica(Node preferred, Node excluded) {
        return chooseReplica(preferred, excluded, ReadRequirement.NONE);
    }

    /**
     * A replica for a read, or {@code null} when none qualifies.
     *
     * @param preferred a replica the connection already uses; kept while it qualifies (no new borrow)
     * @param excluded  a replica that just failed this statement, or {@code null}
     */
    public Node chooseReplica(Node preferred, Node excluded, ReadRequirement requirement) {
        Topology t = topology.get();
        List<Node> replicas = t.replicas();
        if (requirement.maxStalenessNanos() != Long.MAX_VALUE && topology.stale(t, System.nanoTime())) {
            return null; // a staleness budget cannot be checked against lag figures the monitor stopped measuring
        }
        if (preferred != null && preferred != excluded && replicas.contains(preferred)
                && usable(preferred, requirement)) {
            return preferred;
        }
        int n = replicas.size();
        if (n == 0) {
            return null;
        }
        boolean slowStart = !t.slowStarting().isEmpty();
        boolean allUsable = !slowStart;
        for (int i = 0; i < n && allUsable; i++) {
            Node r = replicas.get(i);
            allUsable = r != excluded && usable(r, requirement);
        }
        if (allUsable) {
            return offered(balancer.choose(replicas), replicas);
        }
        long now = slowStart ? System.nanoTime() : 0;
        List<Node> usable = new ArrayList<>(n);
        List<Node> held = new ArrayList<>(1);
        for (int i = 0; i < n; i++) {
            Node r = replicas.get(i);
            if (r != excluded && usable(r, requirement)) {
                if (slowStart && ThreadLocalRandom.current().nextDouble() >= t.share(r, now)) {
                    held.add(r); // slow start: this one sits out this choice
                } else {
                    usable.add(r);
                }
            }
        }
        if (usable.isEmpty()) {
            usable = held;
        }
        if (usable.isEmpty()) {
            return null;
        }
        return offered(balancer.choose(usable), usable);
    }

    private static boolean usable(Node replica, ReadRequirement requirement) {
        return replica.health().isUp() && requirement.metBy(replica);
    }

    private Node offered(Candidate chosen, List<Node> candidates) {
        if (chosen instanceof Node node && candidates.contains(node)) {
            return node;
        }
        throw new IllegalStateException("load balancer " + balancer.getClass().getName() + " returned " + chosen
                + ", which is not one of the candidates " + candidates);
    }
}
