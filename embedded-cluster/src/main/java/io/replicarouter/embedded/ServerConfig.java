package io.replicarouter.embedded;

import java.util.LinkedHashMap;
import java.util.Map;

/** Renders the {@code postgresql.conf} lines every node of a cluster shares. */
final class ServerConfig {

    private ServerConfig() {
    }

    /**
     * The cluster's defaults: streaming replication on loopback, durable commits (zonky's defaults turn
     * {@code fsync} and {@code synchronous_commit} off, which makes lag and stale-read figures meaningless),
     * fast reconnects after a restart, and no Unix socket (other servers may use the same port number there).
     */
    static Map<String, String> defaults() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", "127.0.0.1");
        s.put("unix_socket_directories", "");
        s.put("wal_level", "replica");
        s.put("max_wal_senders", "20");
        s.put("max_replication_slots", "20");
        s.put("wal_keep_size", "128MB");
        s.put("hot_standby", "on");
        s.put("hot_standby_feedback", "on");
        s.put("wal_receiver_status_interval", "1s");
        s.put("wal_retrieve_retry_interval", "100ms");
        s.put("synchronous_commit", "on");
        s.put("fsync", "on");
        s.put("max_connections", "100");
        s.put("shared_buffers", "64MB");
        s.put("timezone", "UTC");
        s.put("log_line_prefix", "%m [%p] %q%a ");
        s.put("logging_collector", "off");
        return s;
    }

    /**
     * Settings a hot standby refuses to run with when they are lower than on its primary. pg_control records
     * the values of the last checkpoint, and a replica copied from a fresh initdb reads initdb's values: so
     * these are given to initdb itself ({@code initdb -c}), else a lower value (max_connections=50) would
     * stop every replica with "recovery aborted because of insufficient parameter settings".
     */
    static final java.util.Set<String> STANDBY_MINIMUMS = java.util.Set.of("max_connections", "max_worker_processes",
            "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction");

    /** The defaults overlaid with the user's settings. */
    static Map<String, String> effective(Map<String, String> userSettings) {
        Map<String, String> all = defaults();
        all.putAll(userSettings);
        return all;
    }

    /** The defaults overlaid with the user's settings, as {@code postgresql.conf} lines. */
    static String render(Map<String, String> userSettings) {
        Map<String, String> all = effective(userSettings);
        StringBuilder sb = new StringBuilder("\n# --- written by replica-router embedded-cluster ---\n");
        all.forEach((name, value) -> sb.append(name).append(" = ").append(quote(value)).append('\n'));
        return sb.toString();
    }

    /** A configuration-file string literal. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A libpq connection-string value ({@code key='value'} form). */
    static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The {@code primary_conninfo} of a replica that streams from {@code host:port}. */
    static String primaryConninfo(String host, int port, String user, String password, String applicationName) {
        StringBuilder sb = new StringBuilder()
                .append("host=").append(conninfoValue(host))
                .append(" port=").append(port)
                .append(" user=").append(conninfoValue(user))
                .append(" application_name=").append(conninfoValue(applicationName))
                .append(" connect_timeout=5");
        if (!password.isEmpty()) {
            sb.append(" password=").append(conninfoValue(password));
        }
        return sb.toString();
    }
}
