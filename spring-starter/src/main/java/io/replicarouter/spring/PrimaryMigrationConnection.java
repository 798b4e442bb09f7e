package io.replicarouter.spring;

import io.replicarouter.RoutingDataSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * What a migration tool connects to: its own {@code <prefix>.url}/{@code user}/{@code password} when the application
 * set them (as Spring Boot does), else the primary's URL and login. Spring Boot then gives the tool a plain
 * {@code SimpleDriverDataSource} to that URL instead of the routing DataSource, so the tool reads its history table
 * on the primary: through the router that autocommit read would go to a replica, and a lagging replica would make
 * the tool apply a migration a second time.
 */
final class PrimaryMigrationConnection {

    private final RouterNodes nodes;
    private final RoutingDataSource router;
    private final String url;
    private final String user;
    private final String password;

    /** @param prefix the tool's properties, {@code spring.flyway} or {@code spring.liquibase} */
    PrimaryMigrationConnection(RouterNodes nodes, RoutingDataSource router, Environment environment, String prefix) {
        Binder binder = Binder.get(environment);
        this.nodes = nodes;
        this.router = router;
        this.url = binder.bind(prefix + ".url", String.class).orElse(null);
        this.user = binder.bind(prefix + ".user", String.class).orElse(null);
        this.password = binder.bind(prefix + ".password", String.class).orElse(null);
    }

    /** Whether the tool's own properties choose the login (a URL or a user of its own). */
    private boolean ownLogin() {
        return hasText(url) || hasText(user);
    }

    String jdbcUrl() {
        return hasText(url) ? url : nodes.primaryEndpoint(router).url();
    }

    String username() {
        return ownLogin() ? user : nodes.primaryEndpoint(router).username();
    }

    String password() {
        return ownLogin() ? password : nodes.primaryEndpoint(router).password();
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    @Override
    public String toString() {
        return Redaction.url(jdbcUrl());
    }
}
