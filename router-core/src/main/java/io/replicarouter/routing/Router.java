package io.replicarouter.routing;

import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.balance.Candidate;
import io.replicarouter.balance.LoadBalancer;
import io.replicarouter.topology.Node;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Picks concrete nodes for planned statements: the primary, or an eligible replica chosen by the balancer.
 * Reads an immutable {@link Topology}; allocates nothing when every replica is eligible.
 */
public final class Router {

    private final AtomicReference<Topology> topology;
    private final LoadBalancer balancer;
    private final NoReplicaPolicy noReplicaPolicy;
    private final Eligibility eligibility;

    /** Whether a replica may serve a read now. */
    @FunctionalInterface
    public interface Eligibility {
        /** Up, and (with the topology monitor) within the lag limits. */
        boolean eligible(Node replica);

        Eligibility WHEN_UP = replica -> replica.health().isUp();
    }

    public Router(Topology topology, LoadBalancer balancer, NoReplicaPolicy noReplicaPolicy, Eligibility eligibility) {
        this.topology = new AtomicReference<>(topology);
        this.balancer = balancer;
        this.noReplicaPolicy = noReplicaPolicy;
        this.eligibility = eligibility;
    }

    public Topology topology() {
        return topology.get();
    }

    /** Replaces the topology (role changes). */
    public void topology(Topology next) {
        topology.set(next);
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
        Node primary = topology.get().primary();
        if (primary == null) {
            throw new SQLNonTransientConnectionException("no primary is available: writes cannot run now", "08001");
        }
        return primary;
    }

    /**
     * An eligible replica for a read, or {@code null} when none is.
     *
     * @param preferred a replica the connection already uses; kept when still eligible (no new borrow)
     * @param excluded  a replica that just failed this statement, or {@code null}
     */
    public Node chooseReplica(Node preferred, Node excluded) {
        if (preferred != null && preferred != excluded && topology.get().replicas().contains(preferred)
                && eligibility.eligible(preferred)) {
            return preferred;
        }
        List<Node> replicas = topology.get().replicas();
        int n = replicas.size();
        if (n == 0) {
            return null;
        }
        boolean allEligible = true;
        for (int i = 0; i < n && allEligible; i++) {
            Node r = replicas.get(i);
            allEligible = r != excluded && eligibility.eligible(r);
        }
        if (allEligible) {
            return offered(balancer.choose(replicas), replicas);
        }
        List<Node> eligible = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Node r = replicas.get(i);
            if (r != excluded && eligibility.eligible(r)) {
                eligible.add(r);
            }
        }
        if (eligible.isEmpty()) {
            return null;
        }
        return offered(balancer.choose(eligible), eligible);
    }

    private Node offered(Candidate chosen, List<Node> candidates) {
        if (chosen instanceof Node node && candidates.contains(node)) {
            return node;
        }
        throw new IllegalStateException("load balancer " + balancer.getClass().getName() + " returned " + chosen
                + ", which is not one of the candidates " + candidates);
    }
}
