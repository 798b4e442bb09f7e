package io.replicarouter.spring.actuate;

import io.replicarouter.PrimaryScope;
import io.replicarouter.RoutingDataSource;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Spring Boot's {@code db} indicator for the router: it runs {@code SELECT 1} on the primary, through the router's
 * primary pool (a forced-primary scope), so {@code db} says whether the application can write. Boot's own
 * indicator would take a logical connection from the router, whose check may reach a replica or no server at all;
 * the replicas have their own entries under {@code replicaRouter}.
 */
public final class PrimaryHealthIndicator extends AbstractHealthIndicator {

    static final String QUERY = "SELECT 1";

    private final RoutingDataSource router;

    public PrimaryHealthIndicator(RoutingDataSource router) {
        super("replica router: the primary's health check failed");
        this.router = router;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        String primary = router.topology().primary();
        builder.withDetail("database", "PostgreSQL").withDetail("validationQuery", QUERY)
                .withDetail("node", primary == null ? "(none)" : primary);
        try (PrimaryScope scope = router.forcePrimary(); Connection c = router.getConnection();
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
            builder.up().withDetail("result", rs.next() ? rs.getInt(1) : 0);
        }
    }
}
