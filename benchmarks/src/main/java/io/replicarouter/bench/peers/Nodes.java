package io.replicarouter.bench.peers;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.PostgresCluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The nodes a contender is built over: the primary first, then the replicas. It can be written as one line
 * without the password (for a fresh JVM, which gets the password from the environment).
 *
 * @param primary  the node that takes writes
 * @param replicas the streaming replicas, in order
 */
public record Nodes(ClusterNode primary, List<ClusterNode> replicas) {

    /** The environment variable a fresh JVM reads the password from (never a command-line argument). */
    public static final String PASSWORD_ENV = "SIDE_BY_SIDE_PASSWORD";

    public Nodes {
        Objects.requireNonNull(primary, "primary");
        replicas = List.copyOf(replicas);
        if (replicas.size() < 2) {
            throw new IllegalArgumentException("the side-by-side contenders need 2 replicas, got " + replicas.size());
        }
    }

    public static Nodes of(PostgresCluster cluster) {
        return new Nodes(cluster.primary(), cluster.replicas());
    }

    /** Every node: the primary (index 0), then the replicas (index 1..n), the order of every per-node figure. */
    public List<ClusterNode> all() {
        List<ClusterNode> all = new ArrayList<>();
        all.add(primary);
        all.addAll(replicas);
        return all;
    }

    /** The node index (0 = primary) of the server listening on {@code port}, as {@code inet_server_port()} says. */
    public int indexOfPort(int port) {
        List<ClusterNode> all = all();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).port() == port) {
                return i;
            }
        }
        throw new IllegalStateException("no node of the cluster listens on port " + port);
    }

    /** {@code name@host:port/database/user;...}, without the password. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ClusterNode n : all()) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(n.name()).append('@').append(n.host()).append(':').append(n.port()).append('/')
                    .append(n.database()).append('/').append(n.username());
        }
        return sb.toString();
    }

    /** The inverse of {@link #describe()}, with the password given apart. */
    public static Nodes parse(String described, String password) {
        List<ClusterNode> nodes = new ArrayList<>();
        for (String part : described.split(";")) {
            int at = part.indexOf('@');
            int colon = part.indexOf(':', at);
            String[] rest = part.substring(colon + 1).split("/");
            if (at < 1 || colon < 0 || rest.length != 3) {
                throw new IllegalArgumentException("not a node (name@host:port/database/user): " + part);
            }
            nodes.add(new ClusterNode(part.substring(0, at), part.substring(at + 1, colon), Integer.parseInt(rest[0]),
                    rest[1], rest[2], password == null ? "" : password, null));
        }
        return new Nodes(nodes.get(0), nodes.subList(1, nodes.size()));
    }
}
