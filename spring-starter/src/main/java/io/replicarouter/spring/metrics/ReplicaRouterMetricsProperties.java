package io.replicarouter.spring.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the router's Micrometer meters under {@code replica-router.metrics.*}. */
@ConfigurationProperties("replica-router.metrics")
public class ReplicaRouterMetricsProperties {

    /**
     * Whether the router's meters (replica.router.*) are registered when the application has a MeterRegistry.
     */
    private boolean enabled = true;

    /**
     * Whether every node's HikariCP pool reports HikariCP's own metrics (hikaricp.*, tagged with the pool's name:
     * the application's name, a dash, the node's name).
     */
    private boolean pools = true;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isPools() {
        return pools;
    }

    public void setPools(boolean pools) {
        this.pools = pools;
    }
}
