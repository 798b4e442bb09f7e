package io.replicarouter.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * One PostgreSQL server of a cluster: where it listens and how to reach it. The values never change for the
 * life of the cluster (a restarted node keeps its port and data directory); its role may change, see
 * {@link PostgresCluster#currentPrimary()}.
 *
 * @param name     stable name: {@code primary}, {@code replica1}, {@code replica2}, ... (also the replica's
 *                 {@code application_name} and replication slot)
 * @param host     address the server listens on (loopback)
 * @param port     TCP port
 * @param database database the cluster was created with
 * @param username superuser name
 * @param password superuser password, or the empty string when the cluster uses trust authentication
 * @param dataDir  the server's data directory (inside the container for a container-backed cluster)
 */
public record ClusterNode(String name, String host, int port, String database, String username, String password,
                          Path dataDir) {

    public ClusterNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** The JDBC URL of this node, without credentials: {@code jdbc:postgresql://127.0.0.1:port/database}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /**
     * Opens a new JDBC connection to this node as the superuser (5 s connect timeout). The caller closes it.
     *
     * @throws SQLException when the node does not answer
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", username);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "replica-router-cluster");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    /** Shown without the password. */
    @Override
    public String toString() {
        return name + "@" + host + ":" + port;
    }
}
