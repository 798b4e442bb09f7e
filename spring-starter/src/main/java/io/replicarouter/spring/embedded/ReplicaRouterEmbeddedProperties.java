package io.replicarouter.spring.embedded;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dev services under {@code replica-router.embedded.*}: an embedded PostgreSQL primary with streaming replicas,
 * started before the DataSource, for development and demos. Needs {@code replica-router-embedded-cluster} on the
 * class path.
 */
@ConfigurationProperties("replica-router.embedded")
public class ReplicaRouterEmbeddedProperties {

    /**
     * Whether to start an embedded primary with replicas and route to them. Replaces spring.datasource.url,
     * username and password and the replicas' URLs (replica-router.replicas[n].url) for the application; the
     * servers stop with the application context (or the JVM).
     */
    private boolean enabled;

    /** Number of streaming replicas of the embedded primary, 0 to 16. */
    private int replicas = 2;

    /**
     * Whether to give the router every embedded server as a node whose role the monitor discovers
     * (replica-router.nodes[n]) instead of a fixed primary and replicas: a replica promoted with the cluster's
     * fault controls then becomes the router's primary (a failover it follows) instead of a fenced node.
     */
    private boolean discoverRoles;

    /** Name of the database the embedded servers serve (created on the primary, replicated). */
    private String database = "app";

    /** How long the servers may take to start and the replicas to catch up. */
    private Duration startupTimeout = Duration.ofSeconds(60);

    /** postgresql.conf settings for every embedded server, e.g. max_connections. */
    private Map<String, String> postgresSettings = new LinkedHashMap<>();

    /**
     * Directory of a local PostgreSQL installation (16 or later, with bin/initdb) to run instead of the binaries
     * that replica-router-embedded-cluster brings.
     */
    private String binariesDirectory;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getReplicas() {
        return replicas;
    }

    public void setReplicas(int replicas) {
        this.replicas = replicas;
    }

    public boolean isDiscoverRoles() {
        return discoverRoles;
    }

    public void setDiscoverRoles(boolean discoverRoles) {
        this.discoverRoles = discoverRoles;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }

    public Duration getStartupTimeout() {
        return startupTimeout;
    }

    public void setStartupTimeout(Duration startupTimeout) {
        this.startupTimeout = startupTimeout;
    }

    public Map<String, String> getPostgresSettings() {
        return postgresSettings;
    }

    public void setPostgresSettings(Map<String, String> postgresSettings) {
        this.postgresSettings = postgresSettings;
    }

    public String getBinariesDirectory() {
        return binariesDirectory;
    }

    public void setBinariesDirectory(String binariesDirectory) {
        this.binariesDirectory = binariesDirectory;
    }
}
