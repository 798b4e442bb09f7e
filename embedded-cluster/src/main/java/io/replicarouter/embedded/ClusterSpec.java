package io.replicarouter.embedded;

import java.time.Duration;
import java.util.Map;

/** The validated settings common to every cluster implementation. */
record ClusterSpec(int replicas, Map<String, String> settings, String database, String username, String password,
                   Duration startupTimeout) {

    ClusterSpec {
        settings = Map.copyOf(settings);
    }

    boolean usesPassword() {
        return !password.isEmpty();
    }

    /** Node names: {@code primary}, then {@code replica1} ... {@code replicaN}. */
    static String replicaName(int index) {
        return "replica" + (index + 1);
    }
}
