package io.replicarouter.spring;

import io.replicarouter.Consistency;
import io.replicarouter.NoReplicaPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the replica router under {@code replica-router.*}. The primary comes from {@code spring.datasource.*};
 * every default here is {@link io.replicarouter.RoutingDataSourceBuilder}'s own.
 */
@ConfigurationProperties("replica-router")
public class ReplicaRouterProperties {

    /**
     * Whether the replica router replaces the application's DataSource. When false the starter does nothing and
     * Spring Boot configures its own DataSource.
     */
    private boolean enabled = true;

    /**
     * Streaming replicas of the primary given by spring.datasource.url; reads go to them. Use either replicas or
     * nodes.
     */
    private List<Node> replicas = new ArrayList<>();

    /**
     * Every node of the cluster, the primary among them, each role discovered by the monitor
     * (pg_is_in_recovery()); the router follows a failover by itself. Use either replicas or nodes.
     */
    private List<Node> nodes = new ArrayList<>();

    /** Default consistency of reads that run outside an explicit consistency scope. */
    private Consistency consistency = Consistency.READ_YOUR_WRITES;

    /**
     * How long a read may wait for a replica to replay its scope's writes before it goes to the primary; 0 sends
     * it to the primary at once. At most 1 minute.
     */
    private Duration maxWaitForReplica = Duration.ofMillis(10);

    /** A replica lagging more than this (in time) serves no reads. From 1 ms to 1 day. */
    private Duration maxLag = Duration.ofSeconds(1);

    /**
     * A replica lagging more than this much WAL serves no reads (bytes unless a unit is given, e.g. 16MB). At
     * least 1 byte.
     */
    @DataSizeUnit(DataUnit.BYTES)
    private DataSize maxLagBytes = DataSize.ofMegabytes(16);

    /** How often the topology monitor probes every node; 0 turns the monitor off. From 10 ms to 1 hour. */
    private Duration monitorInterval = Duration.ofMillis(250);

    /**
     * How long one probe may take before its node counts as unreachable (its open connections are then aborted).
     * From 1 ms to 1 hour.
     */
    private Duration probeTimeout = Duration.ofSeconds(1);

    /** How long a readmitted replica takes to reach its full share of reads; 0 turns slow start off. */
    private Duration slowStart = Duration.ofSeconds(3);

    /** How long a node that failed with a connection error gets no traffic before it is tried again. */
    private Duration nodeDownCoolDown = Duration.ofSeconds(2);

    /** Load balancer among eligible replicas: round-robin, weighted, least-outstanding, power-of-two-choices or thread-affinity. */
    private String balancer = "round-robin";

    /** What a read does when no replica is eligible: PRIMARY runs it there, FAIL throws an SQLException. */
    private NoReplicaPolicy noReplicaPolicy = NoReplicaPolicy.PRIMARY;

    /**
     * The application's own SQL functions that write or lock (name or schema.name): a SELECT that calls one goes
     * to the primary.
     */
    private List<String> writeFunctions = new ArrayList<>();

    /**
     * Maximum size of each node's connection pool. spring.datasource.hikari.maximum-pool-size, when set, takes
     * precedence (it is applied to every pool after this).
     */
    private int poolSize = 10;

    /** How many SQL strings' routing decisions are cached; 0 turns the cache off. */
    private int classifierCacheSize = 10_000;

    private final Token token = new Token();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<Node> getReplicas() {
        return replicas;
    }

    public void setReplicas(List<Node> replicas) {
        this.replicas = replicas;
    }

    public List<Node> getNodes() {
        return nodes;
    }

    public void setNodes(List<Node> nodes) {
        this.nodes = nodes;
    }

    public Consistency getConsistency() {
        return consistency;
    }

    public void setConsistency(Consistency consistency) {
        this.consistency = consistency;
    }

    public Duration getMaxWaitForReplica() {
        return maxWaitForReplica;
    }

    public void setMaxWaitForReplica(Duration maxWaitForReplica) {
        this.maxWaitForReplica = maxWaitForReplica;
    }

    public Duration getMaxLag() {
        return maxLag;
    }

    public void setMaxLag(Duration maxLag) {
        this.maxLag = maxLag;
    }

    public DataSize getMaxLagBytes() {
        return maxLagBytes;
    }

    public void setMaxLagBytes(DataSize maxLagBytes) {
        this.maxLagBytes = maxLagBytes;
    }

    public Duration getMonitorInterval() {
        return monitorInterval;
    }

    public void setMonitorInterval(Duration monitorInterval) {
        this.monitorInterval = monitorInterval;
    }

    public Duration getProbeTimeout() {
        return probeTimeout;
    }

    public void setProbeTimeout(Duration probeTimeout) {
        this.probeTimeout = probeTimeout;
    }

    public Duration getSlowStart() {
        return slowStart;
    }

    public void setSlowStart(Duration slowStart) {
        this.slowStart = slowStart;
    }

    public Duration getNodeDownCoolDown() {
        return nodeDownCoolDown;
    }

    public void setNodeDownCoolDown(Duration nodeDownCoolDown) {
        this.nodeDownCoolDown = nodeDownCoolDown;
    }

    public String getBalancer() {
        return balancer;
    }

    public void setBalancer(String balancer) {
        this.balancer = balancer;
    }

    public NoReplicaPolicy getNoReplicaPolicy() {
        return noReplicaPolicy;
    }

    public void setNoReplicaPolicy(NoReplicaPolicy noReplicaPolicy) {
        this.noReplicaPolicy = noReplicaPolicy;
    }

    public List<String> getWriteFunctions() {
        return writeFunctions;
    }

    public void setWriteFunctions(List<String> writeFunctions) {
        this.writeFunctions = writeFunctions;
    }

    public int getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public int getClassifierCacheSize() {
        return classifierCacheSize;
    }

    public void setClassifierCacheSize(int classifierCacheSize) {
        this.classifierCacheSize = classifierCacheSize;
    }

    public Token getToken() {
        return token;
    }

    /** Consistency tokens (what carries read-your-writes across requests and instances). */
    public static class Token {

        /**
         * Secret (at least 16 bytes) that signs consistency tokens with HMAC-SHA256; unsigned tokens are then
         * ignored. Unset: tokens are not signed.
         */
        private String secret;

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }
    }

    /** One node: a replica under replicas, any node under nodes. */
    public static class Node {

        /** Name of the node in logs, metrics and pool names; default replica1, replica2, ... (node1, ... for nodes). */
        private String name;

        /** JDBC URL of the node (jdbc:postgresql://host:port/database), without credentials in it. */
        private String url;

        /** Login user of the node; default the primary's (spring.datasource.username). */
        private String username;

        /** Login password of the node; default the primary's (spring.datasource.password). */
        private String password;

        /**
         * Share of reads relative to the other replicas (weighted and power-of-two-choices balancers), 1 to 1000; for
         * a node under nodes, the share it gets while it is a replica.
         */
        private int weight = 1;

        /**
         * HikariCP settings for this node's pool only, the same keys as spring.datasource.hikari.* (which apply to
         * every node first), e.g. maximum-pool-size.
         */
        private Map<String, String> hikari = new LinkedHashMap<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public int getWeight() {
            return weight;
        }

        public void setWeight(int weight) {
            this.weight = weight;
        }

        public Map<String, String> getHikari() {
            return hikari;
        }

        public void setHikari(Map<String, String> hikari) {
            this.hikari = hikari;
        }
    }
}
