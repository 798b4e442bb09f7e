package io.replicarouter.embedded;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings shared by every cluster implementation. Each setter validates its argument at once and names the
 * setting and the value in its {@link IllegalArgumentException}.
 *
 * @param <B> the concrete builder
 */
public abstract class ClusterBuilder<B extends ClusterBuilder<B>> {

    /** More replicas than this would only exhaust a small machine. */
    public static final int MAX_REPLICAS = 16;

    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern SQL_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Set<String> OWNED_SETTINGS = Set.of("port", "listen_addresses", "data_directory",
            "config_file", "hba_file", "ident_file", "primary_conninfo", "primary_slot_name");

    private int replicas = 2;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private String database = "postgres";
    private String username = "postgres";
    private String password = "";
    private Duration startupTimeout = Duration.ofSeconds(60);

    protected ClusterBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Number of streaming replicas (0 to {@value #MAX_REPLICAS}); default 2. */
    public B replicas(int count) {
        if (count < 0 || count > MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be between 0 and " + MAX_REPLICAS + ", was " + count);
        }
        this.replicas = count;
        return self();
    }

    /**
     * A {@code postgresql.conf} setting for every node, applied after the cluster's own defaults (so it wins).
     * The cluster owns {@code port}, {@code listen_addresses}, data and config file locations and the
     * replication connection settings; those are refused. PostgreSQL itself checks the value when the server
     * starts: a value it rejects makes {@code start()} fail with the server's own message.
     */
    public B postgresSetting(String name, String value) {
        if (name == null || !SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("postgresSetting name must be a PostgreSQL parameter name, was '"
                    + name + "'");
        }
        if (OWNED_SETTINGS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("postgresSetting '" + name
                    + "' is managed by the cluster and cannot be set (owned: " + OWNED_SETTINGS + ")");
        }
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("postgresSetting '" + name
                    + "' needs a single-line value, was " + (value == null ? "null" : "a multi-line value"));
        }
        settings.put(name.toLowerCase(Locale.ROOT), value);
        return self();
    }

    /** Database to create on the primary (replicated to every replica); default {@code postgres}. */
    public B database(String name) {
        if (name == null || !SQL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database must be a lower-case SQL name (a-z, 0-9, _), was '"
                    + name + "'");
        }
        this.database = name;
        return self();
    }

    /**
     * Superuser name and password. With a non-empty password, TCP connections (also replication) use
     * {@code scram-sha-256}; without one (the default), trust authentication on loopback.
     */
    public B credentials(String username, String password) {
        if (username == null || !SQL_NAME.matcher(username).matches()) {
            throw new IllegalArgumentException("credentials username must be a lower-case SQL name, was '"
                    + username + "'");
        }
        Objects.requireNonNull(password, "credentials password (use \"\" for none)");
        if (password.indexOf('\n') >= 0 || password.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("credentials password must be a single line");
        }
        this.username = username;
        this.password = password;
        return self();
    }

    /** How long one server may take to start (and a replica to start streaming); default 60 s. */
    public B startupTimeout(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("startupTimeout must be positive, was " + timeout);
        }
        this.startupTimeout = timeout;
        return self();
    }

    protected ClusterSpec spec() {
        return new ClusterSpec(replicas, settings, database, username, password, startupTimeout);
    }

    /** Starts the cluster and returns once every replica streams and has replayed the primary's position. */
    public abstract PostgresCluster start();
}
