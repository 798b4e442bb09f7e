package io.replicarouter.shardingsphere;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.TopologySnapshot;
import org.apache.shardingsphere.infra.algorithm.loadbalancer.core.LoadBalanceAlgorithm;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A read load balancer for ShardingSphere's own readwrite-splitting (type {@value #TYPE}) that sends reads only to
 * replicas Replica Router's topology monitor sees as serving: reachable, replaying, and within the lag limits.
 * Among those it takes turns; ShardingSphere's {@code ROUND_ROBIN} takes turns over every configured replica,
 * paused or dead.
 *
 * <p>The monitor is one of:
 * <ul>
 *   <li>{@code router=<name>}: the topology of a {@link RoutingDataSource} the application registered with
 *       {@link SharedTopologies#register}; its node names must be the names of ShardingSphere's data sources;</li>
 *   <li>{@code url.<data source name>=jdbc:postgresql://...} for every data source of the group (the write one
 *       too: a replica's lag is measured against the primary), with {@code username} and {@code password}: the
 *       algorithm starts a router of its own over those nodes, roles discovered, used for its monitor only;
 *       {@code max-lag} ({@code 1s}), {@code max-lag-bytes} ({@code 16777216}) and {@code monitor-interval}
 *       ({@code 250ms}) tune it. Algorithms with the same properties share one router; it runs until
 *       {@link #closeOwnedMonitors()} or the JVM ends (ShardingSphere 5.5.2 does not close load balancers).</li>
 * </ul>
 * When no replica of the group qualifies, {@code no-replica=primary} (the default) returns the data source the
 * monitor sees as primary, {@code any} the next configured replica as {@code ROUND_ROBIN} would, and {@code fail}
 * throws.
 *
 * <p>What it does not do: read-your-writes. ShardingSphere chooses the replica per statement and knows nothing of
 * WAL positions, so a read right after a write may still see a replica that has not replayed it (within
 * {@code max-lag}). Sharding over {@link ShardedRouting} (one {@link RoutingDataSource} per shard) does.
 */
public final class LagAwareLoadBalanceAlgorithm implements LoadBalanceAlgorithm {

    /** The type name to use in ShardingSphere's configuration. */
    public static final String TYPE = "LAG_AWARE";

    /**
     * The routers algorithms configured by URL started, one per distinct configuration: ShardingSphere may create
     * an algorithm more than once for one rule, and 5.5.2 never closes its load balancers.
     */
    private static final Map<String, RoutingDataSource> OWNED = new ConcurrentHashMap<>();

    private final AtomicInteger turn = new AtomicInteger();
    private volatile RoutingDataSource router;
    private NoReplica noReplica = NoReplica.PRIMARY;
    private volatile Readable readable;

    private enum NoReplica { PRIMARY, ANY, FAIL }

    /**
     * How long a computed set of readable replicas is reused: the router builds a fresh snapshot per
     * {@code topology()} call, too much work for every statement; the monitor itself observes every 250 ms.
     */
    private static final long REFRESH_NANOS = 20_000_000L;

    /** The readable replicas as of {@code atNanos}. */
    private record Readable(long atNanos, Set<String> names) {
    }

    @Override
    public void init(Properties props) {
        noReplica = noReplica(props.getProperty("no-replica", "primary"));
        String shared = props.getProperty("router");
        if (shared != null) {
            RoutingDataSource found = SharedTopologies.lookup(shared.strip());
            if (found == null) {
                throw new IllegalArgumentException(TYPE + ": router '" + shared + "' is not registered; call"
                        + " SharedTopologies.register(\"" + shared + "\", routingDataSource) before ShardingSphere"
                        + " creates its rules");
            }
            router = found;
            return;
        }
        router = OWNED.computeIfAbsent(ownedKey(props), k -> ownRouter(props));
    }

    /** The configuration an owned router is shared by: every property but {@code no-replica}, sorted. */
    private static String ownedKey(Properties props) {
        StringBuilder key = new StringBuilder();
        new TreeMap<>(props).forEach((k, v) -> {
            if (!"no-replica".equals(k)) {
                key.append(k).append('\u0000').append(v).append('\u0000');
            }
        });
        return key.toString();
    }

    /**
     * Stops the monitors that algorithms configured by {@code url.*} properties started (their daemon threads
     * also end with the JVM). Call it after closing the ShardingSphere data sources that use them; an algorithm
     * used afterwards fails.
     */
    public static void closeOwnedMonitors() {
        for (String key : List.copyOf(OWNED.keySet())) {
            RoutingDataSource r = OWNED.remove(key);
            if (r != null) {
                r.close();
            }
        }
    }

    private static NoReplica noReplica(String value) {
        try {
            return NoReplica.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TYPE + ": no-replica must be primary, any or fail, was '" + value + "'");
        }
    }

    private static RoutingDataSource ownRouter(Properties props) {
        var builder = RoutingDataSource.builder().poolSize(1);
        String user = props.getProperty("username");
        String password = props.getProperty("password");
        int nodes = 0;
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("url.")) {
                builder.node(key.substring(4), props.getProperty(key), user, password);
                nodes++;
            }
        }
        if (nodes == 0) {
            throw new IllegalArgumentException(TYPE + ": set either router=<name of a shared topology> or"
                    + " url.<data source name>=<JDBC URL> for every data source of the group");
        }
        builder.maxLag(duration(props, "max-lag", "1s"));
        builder.monitorInterval(duration(props, "monitor-interval", "250ms"));
        String bytes = props.getProperty("max-lag-bytes");
        if (bytes != null) {
            try {
                builder.maxLagBytes(Long.parseLong(bytes.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(TYPE + ": max-lag-bytes must be a number of bytes, was '"
                        + bytes + "'");
            }
        }
        return builder.build();
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m} or ISO-8601 ({@code PT2S}). */
    static Duration duration(Properties props, String key, String fallback) {
        String value = props.getProperty(key, fallback).strip();
        try {
            if (value.regionMatches(true, 0, "PT", 0, 2)) {
                return Duration.parse(value);
            }
            String lower = value.toLowerCase(Locale.ROOT);
            if (lower.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
            }
            if (lower.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(lower.substring(0, lower.length() - 1)));
            }
            if (lower.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(lower.substring(0, lower.length() - 1)));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // reported below
        }
        throw new IllegalArgumentException(TYPE + ": " + key + " must be a duration such as 500ms, 2s, 1m or PT2S,"
                + " was '" + value + "'");
    }

    @Override
    public String getTargetName(String groupName, List<String> availableTargetNames) {
        Set<String> serving = readable().names();
        int size = availableTargetNames.size();
        int eligible = 0;
        for (String name : availableTargetNames) {
            if (serving.contains(name)) {
                eligible++;
            }
        }
        if (eligible > 0) {
            // the k-th serving name in ShardingSphere's order, without building a list per statement
            int k = Math.floorMod(turn.getAndIncrement(), eligible);
            for (String name : availableTargetNames) {
                if (serving.contains(name) && k-- == 0) {
                    return name;
                }
            }
        }
        switch (noReplica) {
            case PRIMARY -> {
                String primary = router.topology().primary();
                if (primary != null) {
                    return primary;
                }
                throw new IllegalStateException(TYPE + ": no replica of '" + groupName + "' serves reads, and no"
                        + " primary is known");
            }
            case ANY -> {
                return availableTargetNames.get(Math.floorMod(turn.getAndIncrement(), size));
            }
            default -> throw new IllegalStateException(TYPE + ": no replica of '" + groupName + "' serves reads"
                    + " (no-replica=fail); configured: " + availableTargetNames);
        }
    }

    private Readable readable() {
        long now = System.nanoTime();
        Readable last = readable;
        if (last != null && now - last.atNanos() < REFRESH_NANOS) {
            return last;
        }
        TopologySnapshot topology = router.topology();
        Readable fresh = new Readable(now, Set.copyOf(topology.readReplicas()));
        readable = fresh;
        return fresh;
    }

    @Override
    public String getType() {
        return TYPE;
    }

}
