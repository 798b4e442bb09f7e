package io.replicarouter.spring;

import io.replicarouter.FenceCause;
import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.NodeRole;
import io.replicarouter.NodeSnapshot;
import io.replicarouter.RoutingDataSource;
import io.replicarouter.TopologySnapshot;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up checks of the configured nodes against what the router's monitor found in its first round (which runs
 * while the router is built): the common mistakes fail the start naming the property and the value, through
 * {@link ReplicaRouterConfigurationException} and {@link ReplicaRouterFailureAnalyzer}. A node that does not answer
 * is no mistake (it may be down) and passes.
 */
final class NodeVerifier {

    private static final Pattern URL = Pattern.compile("(?i)^jdbc:postgresql://([^/?]*)(?:/([^?]*))?.*$");

    private NodeVerifier() {
    }

    /**
     * Checks what needs no server: no replica while reads must not fall back to the primary, and a replica URL that
     * is the primary's.
     */
    static void verifyConfiguration(RouterNodes nodes, NoReplicaPolicy policy) {
        List<RouterNodes.Spec> specs = nodes.specs();
        if (policy == NoReplicaPolicy.FAIL && specs.size() < 2) {
            throw new ReplicaRouterConfigurationException(nodes.discovered() ? "replica-router.nodes"
                    : "replica-router.replicas", specs.size() + (nodes.discovered() ? " node" : " replicas"),
                    "replica-router.no-replica-policy is FAIL, so reads need a replica, and no replica is configured."
                            + " List the replicas (or every node, with at least one replica), or set"
                            + " replica-router.no-replica-policy=PRIMARY.");
        }
        Optional<RouterNodes.Spec> primary = specs.stream().filter(RouterNodes.Spec::isPrimary).findFirst();
        if (primary.isEmpty()) {
            return;
        }
        String primaryServer = server(primary.get().url());
        for (RouterNodes.Spec spec : specs) {
            if (!spec.isPrimary() && primaryServer != null && primaryServer.equals(server(spec.url()))) {
                throw new ReplicaRouterConfigurationException(spec.property() + ".url", Redaction.url(spec.url()),
                        "It is the primary's own URL (" + RouterNodes.PRIMARY_SOURCE + " names the same server and"
                                + " database). Give the URL of a streaming replica of the primary.");
            }
        }
    }

    /**
     * Checks the nodes as the monitor found them: a node of another cluster, a primary URL that reaches a standby, a
     * replica URL that reaches a primary.
     */
    static void verifyTopology(RouterNodes nodes, RoutingDataSource router) {
        TopologySnapshot topology = router.topology();
        for (RouterNodes.Spec spec : nodes.specs()) {
            NodeSnapshot n = topology.node(spec.name()).orElse(null);
            FenceCause cause = n == null ? null : n.fenceCause();
            if (cause == null) {
                continue;
            }
            String property = spec.isPrimary() ? RouterNodes.PRIMARY_SOURCE : spec.property() + ".url";
            String url = Redaction.url(spec.url());
            String found = n.lastError() == null ? "" : " The router found: " + n.lastError() + ".";
            switch (cause) {
                case MISCONFIGURED_PRIMARY -> throw new ReplicaRouterConfigurationException(property, url,
                        "It reaches a standby (pg_is_in_recovery() = true), not the primary." + found + " Point it at"
                                + " the primary, or list every node under replica-router.nodes to have the roles"
                                + " discovered.");
                case OTHER_CLUSTER -> throw new ReplicaRouterConfigurationException(property, url,
                        "It reaches a server of another cluster (its system identifier differs from the primary's)."
                                + found + " Give the URL of a streaming replica of this primary.");
                case SECOND_PRIMARY -> {
                    // Among discovered nodes a second primary is a split brain after a failover, not a mistake in
                    // the configuration: the router fences it and goes on.
                    if (spec.role() == NodeRole.REPLICA) {
                        throw new ReplicaRouterConfigurationException(property, url, "It reaches a primary (not in"
                                + " recovery), not a streaming replica: the primary's own server under another name,"
                                + " or a promoted or unrelated server." + found + " Give the URL of a streaming"
                                + " replica.");
                    }
                }
            }
        }
    }

    /** {@code host:port,.../database} of a PostgreSQL JDBC URL, hosts lower-case, ports explicit; null if not one. */
    static String server(String url) {
        if (url == null) {
            return null;
        }
        Matcher m = URL.matcher(url.trim());
        if (!m.matches()) {
            return null;
        }
        StringBuilder hosts = new StringBuilder();
        for (String h : m.group(1).split(",")) {
            String host = h.trim().toLowerCase(Locale.ROOT);
            int at = host.lastIndexOf('@');
            if (at >= 0) {
                host = host.substring(at + 1); // user:password@ is not part of the server
            }
            String port = "5432";
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && colon > host.lastIndexOf(']')) {
                port = host.substring(colon + 1);
                host = host.substring(0, colon);
            }
            if (host.isEmpty() || host.equals("127.0.0.1") || host.equals("[::1]")) {
                host = "localhost";
            }
            hosts.append(hosts.isEmpty() ? "" : ",").append(host).append(':').append(port);
        }
        String database = m.group(2) == null ? "" : m.group(2);
        return hosts + "/" + database;
    }
}
