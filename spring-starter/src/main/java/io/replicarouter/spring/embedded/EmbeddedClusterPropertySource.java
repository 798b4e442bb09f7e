package io.replicarouter.spring.embedded;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.ReplicaRouterConfigurationException;
import org.springframework.core.env.EnumerablePropertySource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded cluster's connection properties: {@code spring.datasource.url}, {@code username}, {@code password}
 * and {@code replica-router.replicas[n].url}; with {@code discover-roles}, {@code spring.datasource.username} and
 * {@code password} and every server as {@code replica-router.nodes[n].url} and {@code .name} (the cluster's node
 * names, the primary first). The cluster starts when a value is first read (when the DataSource is configured), or
 * when {@link EmbeddedReplicaCluster} asks for it, whichever comes first; once.
 */
final class EmbeddedClusterPropertySource extends EnumerablePropertySource<ReplicaRouterEmbeddedProperties> {

    static final String NAME = "replicaRouterEmbeddedCluster";
    private static final String REPLICAS = "replica-router.replicas[";
    private static final String NODES = "replica-router.nodes[";

    private final String[] names;
    private EmbeddedCluster cluster;
    private boolean closed;

    EmbeddedClusterPropertySource(ReplicaRouterEmbeddedProperties properties) {
        super(NAME, properties);
        List<String> n = new ArrayList<>(List.of("spring.datasource.username", "spring.datasource.password"));
        if (properties.isDiscoverRoles()) {
            for (int i = 0; i <= properties.getReplicas(); i++) {
                n.add(NODES + i + "].url");
                n.add(NODES + i + "].name");
            }
        } else {
            n.add("spring.datasource.url");
            for (int i = 0; i < properties.getReplicas(); i++) {
                n.add(REPLICAS + i + "].url");
            }
        }
        this.names = n.toArray(String[]::new);
    }

    @Override
    public String[] getPropertyNames() {
        return names.clone();
    }

    @Override
    public Object getProperty(String name) {
        if (!name.startsWith("spring.datasource.") && !name.startsWith(REPLICAS) && !name.startsWith(NODES)) {
            return null;
        }
        boolean discover = getSource().isDiscoverRoles();
        return switch (name) {
            case "spring.datasource.url" -> discover ? null : cluster().primary().jdbcUrl();
            case "spring.datasource.username" -> cluster().primary().username();
            case "spring.datasource.password" -> cluster().primary().password();
            default -> discover ? nodeProperty(name) : replicaUrl(name);
        };
    }

    private String replicaUrl(String name) {
        for (int i = 0; i < getSource().getReplicas(); i++) {
            if (name.equals(REPLICAS + i + "].url")) {
                return cluster().replica(i).jdbcUrl();
            }
        }
        return null;
    }

    /** {@code nodes[0]} is the primary, {@code nodes[i]} replica i-1, in the cluster's names. */
    private String nodeProperty(String name) {
        for (int i = 0; i <= getSource().getReplicas(); i++) {
            if (name.equals(NODES + i + "].url") || name.equals(NODES + i + "].name")) {
                ClusterNode node = i == 0 ? cluster().primary() : cluster().replica(i - 1);
                return name.endsWith(".url") ? node.jdbcUrl() : node.name();
            }
        }
        return null;
    }

    /** The cluster, started on the first call. */
    synchronized EmbeddedCluster cluster() {
        if (closed) {
            throw new IllegalStateException("replica router: the embedded cluster was stopped with its context");
        }
        if (cluster == null) {
            cluster = start(getSource());
        }
        return cluster;
    }

    synchronized boolean started() {
        return cluster != null;
    }

    /** Stops the servers and removes their files; later reads fail. */
    synchronized void close() {
        closed = true;
        if (cluster != null) {
            cluster.close();
        }
    }

    private static EmbeddedCluster start(ReplicaRouterEmbeddedProperties p) {
        EmbeddedCluster.Builder builder = EmbeddedCluster.builder();
        apply("replica-router.embedded.replicas", Integer.toString(p.getReplicas()), () -> builder.replicas(
                p.getReplicas()));
        apply("replica-router.embedded.database", p.getDatabase(), () -> builder.database(p.getDatabase()));
        if (p.getStartupTimeout() != null) {
            apply("replica-router.embedded.startup-timeout", p.getStartupTimeout().toString(),
                    () -> builder.startupTimeout(p.getStartupTimeout()));
        }
        p.getPostgresSettings().forEach((k, v) -> apply("replica-router.embedded.postgres-settings." + k, v,
                () -> builder.postgresSetting(k, v)));
        if (p.getBinariesDirectory() != null && !p.getBinariesDirectory().isBlank()) {
            apply("replica-router.embedded.binaries-directory", p.getBinariesDirectory(),
                    () -> builder.binariesDirectory(Path.of(p.getBinariesDirectory())));
        }
        return builder.start();
    }

    /** Runs one builder setting; its refusal becomes an exception that names the property. */
    private static void apply(String property, String value, Runnable setting) {
        try {
            setting.run();
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage() == null ? "Refused by the embedded cluster." : e.getMessage();
            throw new ReplicaRouterConfigurationException(property, value,
                    Character.toUpperCase(reason.charAt(0)) + reason.substring(1) + ".");
        }
    }

    /** For messages: the nodes, without starting anything. */
    @Override
    public synchronized String toString() {
        return NAME + (cluster == null ? "[not started]" : cluster.nodes().stream().map(ClusterNode::toString)
                .toList());
    }
}
