package io.replicarouter.spring;

import io.replicarouter.RoutingDataSource;
import org.springframework.jdbc.datasource.AbstractDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A plain, unpooled DataSource to the node that is the primary when a connection is asked for: each
 * {@link #getConnection()} opens a new physical connection there, closed by its user. Not a bean: only the starter's
 * init-script runner uses it, so the application's one DataSource stays the router. With discovered roles the
 * primary is looked up at each call (the router's monitor knows it).
 */
final class PrimaryDataSource extends AbstractDataSource {

    private final RouterNodes nodes;
    private final RoutingDataSource router;
    private final String username;
    private final String password;

    /** With {@code username} {@code null} the primary's own login is used. */
    PrimaryDataSource(RouterNodes nodes, RoutingDataSource router, String username, String password) {
        this.nodes = nodes;
        this.router = router;
        this.username = username;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        RouterNodes.Endpoint primary = nodes.primaryEndpoint(router);
        return connect(primary.url(), username != null ? username : primary.username(),
                username != null ? password : primary.password());
    }

    @Override
    public Connection getConnection(String user, String pass) throws SQLException {
        return connect(nodes.primaryEndpoint(router).url(), user, pass);
    }

    private static Connection connect(String url, String user, String pass) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (pass != null) {
            props.setProperty("password", pass);
        }
        return DriverManager.getConnection(url, props);
    }

    @Override
    public String toString() {
        return "PrimaryDataSource" + nodes.specs();
    }
}
