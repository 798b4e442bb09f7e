package io.replicarouter.spring;

import io.replicarouter.NodeRole;
import io.replicarouter.RoutingDataSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The nodes as configured: the primary from {@code spring.datasource.*} and {@code replica-router.replicas}, or every
 * node from {@code replica-router.nodes}; each with the property that configures it, for error messages. A bean, so
 * that what the router was built from and what migrations connect to are one and the same.
 */
final class RouterNodes {

    /** Where the primary's URL and credentials come from, for messages. */
    static final String PRIMARY_SOURCE = "spring.datasource.url";

    /**
     * One node.
     *
     * @param role     PRIMARY or REPLICA as configured; {@code null} when the monitor discovers it
     * @param property the property prefix that configures it ({@code replica-router.replicas[0]}), or
     *                 {@code spring.datasource} for the primary
     */
    record Spec(String name, NodeRole role, String url, String username, String password, int weight,
                String property) {

        boolean isPrimary() {
            return role == NodeRole.PRIMARY;
        }

        /** Where this node's own Hikari settings live; {@code null} for the primary (spring.datasource.hikari). */
        String hikariPrefix() {
            return isPrimary() ? null : property + ".hikari";
        }

        @Override
        public String toString() {
            return name + "@" + Redaction.url(url);
        }
    }

    /** A connection target: the URL and the login. */
    record Endpoint(String url, String username, String password) {

        @Override
        public String toString() {
            return Redaction.url(url);
        }
    }

    private final List<Spec> specs;
    private final boolean discovered;

    private RouterNodes(List<Spec> specs, boolean discovered) {
        this.specs = List.copyOf(specs);
        this.discovered = discovered;
    }

    /**
     * The nodes the properties describe.
     *
     * @param primary the primary's URL and login (spring.datasource.* or the application's JdbcConnectionDetails);
     *                with {@code nodes} only its login is used, as the nodes' default
     * @throws ReplicaRouterConfigurationException when replicas and nodes are both given, or a URL is missing
     */
    static RouterNodes of(ReplicaRouterProperties properties, Endpoint primary) {
        return of(properties, primary, "replica-router", "spring.datasource");
    }

    /**
     * The nodes of the router configured under {@code prefix} ({@code replica-router}, or a shard group's prefix),
     * whose configured primary comes from {@code primaryProperty} ({@code spring.datasource}, or the same prefix):
     * what error messages name.
     */
    static RouterNodes of(ReplicaRouterProperties properties, Endpoint primary, String prefix, String primaryProperty) {
        List<ReplicaRouterProperties.Node> replicas = properties.getReplicas();
        List<ReplicaRouterProperties.Node> nodes = properties.getNodes();
        String primarySource = primaryProperty + ".url";
        if (!replicas.isEmpty() && !nodes.isEmpty()) {
            throw new ReplicaRouterConfigurationException(prefix + ".nodes", nodes.size() + " nodes",
                    prefix + ".replicas and " + prefix + ".nodes are both set. Give the replicas of the"
                            + " primary in " + primarySource + " under replicas, or every node (roles discovered)"
                            + " under nodes.");
        }
        List<Spec> specs = new ArrayList<>();
        if (nodes.isEmpty()) {
            if (primary.url() == null || primary.url().isBlank()) {
                throw new ReplicaRouterConfigurationException(primarySource, null,
                        "The replica router takes the primary from " + primarySource + (PRIMARY_SOURCE.equals(
                                primarySource) ? " (or the application's JdbcConnectionDetails)" : "")
                                + ", and it is not set. Set it to the primary's JDBC URL, or"
                                + " list every node under " + prefix + ".nodes to have their roles discovered.");
            }
            specs.add(new Spec("primary", NodeRole.PRIMARY, primary.url(), primary.username(), primary.password(), 1,
                    primaryProperty));
            add(specs, replicas, prefix + ".replicas", "replica", NodeRole.REPLICA, primary);
        } else {
            add(specs, nodes, prefix + ".nodes", "node", null, primary);
        }
        return new RouterNodes(specs, !nodes.isEmpty());
    }

    private static void add(List<Spec> specs, List<ReplicaRouterProperties.Node> nodes, String prefix,
                            String defaultName, NodeRole role, Endpoint primary) {
        for (int i = 0; i < nodes.size(); i++) {
            ReplicaRouterProperties.Node n = nodes.get(i);
            String property = prefix + "[" + i + "]";
            if (n.getUrl() == null || n.getUrl().isBlank()) {
                throw new ReplicaRouterConfigurationException(property + ".url", n.getUrl(),
                        "Every node needs the JDBC URL of its server (jdbc:postgresql://host:port/database).");
            }
            String name = n.getName() == null ? defaultName + (i + 1) : n.getName();
            boolean ownLogin = n.getUsername() != null;
            String username = ownLogin ? n.getUsername() : primary.username();
            String password = ownLogin || n.getPassword() != null ? n.getPassword() : primary.password();
            specs.add(new Spec(name, role, n.getUrl().trim(), username, password, n.getWeight(), property));
        }
    }

    List<Spec> specs() {
        return specs;
    }

    /** Whether the roles are discovered (replica-router.nodes). */
    boolean discovered() {
        return discovered;
    }

    /** The spec of the named node; with duplicate names the last one (the one a "used twice" error is about). */
    Optional<Spec> byName(String name) {
        Spec found = null;
        for (Spec s : specs) {
            if (s.name().equals(name)) {
                found = s;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The node that takes writes now: the configured primary, or with discovered roles the node the router's
     * monitor last saw out of recovery.
     *
     * @throws IllegalStateException when no node is the primary now
     */
    Endpoint primaryEndpoint(RoutingDataSource router) {
        Spec primary = specs.stream().filter(Spec::isPrimary).findFirst().orElse(null);
        if (primary == null) {
            String name = router.topology().primary();
            primary = name == null ? null : byName(name).orElse(null);
            if (primary == null) {
                throw new IllegalStateException("replica router: no node answers as the primary now (nodes: "
                        + specs + "); migrations and init scripts need the primary");
            }
        }
        return new Endpoint(primary.url(), primary.username(), primary.password());
    }
}
