package io.replicarouter.spring.actuate;

import io.replicarouter.NodeSnapshot;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.TopologySnapshot;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.stream.Stream;

/**
 * The {@code replicaRouter} health group: one indicator per node of the router, named after the node, each with
 * its role, state, lag, eligibility, fencing, last probe and last error (see {@link NodeHealth} for the statuses).
 * It reads {@link RoutingDataSource#topology()} and never queries a database. All nodes of one health request are
 * judged from one snapshot.
 */
public final class ReplicaRouterHealthContributor implements CompositeHealthContributor {

    private final RoutingDataSource router;

    public ReplicaRouterHealthContributor(RoutingDataSource router) {
        this.router = router;
    }

    @Override
    public HealthContributor getContributor(String name) {
        if (router.topology().node(name).isEmpty()) {
            return null;
        }
        return (HealthIndicator) () -> {
            TopologySnapshot topology = router.topology();
            return topology.node(name).map(n -> NodeHealth.health(topology, n)).orElse(null);
        };
    }

    @Override
    public Stream<HealthContributors.Entry> stream() {
        TopologySnapshot topology = router.topology();
        return topology.nodes().stream().map(n -> new HealthContributors.Entry(n.name(), indicator(topology, n)));
    }

    private static HealthIndicator indicator(TopologySnapshot topology, NodeSnapshot node) {
        return () -> NodeHealth.health(topology, node);
    }

    @Override
    public String toString() {
        return "ReplicaRouterHealthContributor[" + router + "]";
    }
}
