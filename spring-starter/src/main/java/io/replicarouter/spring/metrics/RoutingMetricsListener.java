package io.replicarouter.spring.metrics;

import io.replicarouter.EjectionCause;
import io.replicarouter.FenceCause;
import io.replicarouter.ProbeFailure;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.TokenProblem;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Counts the router's events for the {@code replica.router.*} meters ({@link RoutingMeterBinder} registers them).
 * Made for the statement path: an executed event finds its node's counters by an identity scan of a small array
 * (node names are the router's own strings) and its counter by index (reason and read/write), then adds to two
 * {@link LongAdder}s; no map, no allocation, no registry call. A counter is created, and its meter registered, the
 * first time its combination occurs, so only combinations that happened are exported.
 *
 * <p>Free of Micrometer types, so the {@code replicarouter} endpoint can read statement counts from it. Tag values
 * are bounded: node names (at most {@value #MAX_NODES}, then {@code other}), enum tags, and SQLState classes
 * (PostgreSQL's own classes, else {@code other}).
 */
public final class RoutingMetricsListener implements RoutingListener {

    /** More distinct node names than this (there never are) are counted under {@code other}. */
    static final int MAX_NODES = 64;

    static final String STATEMENTS = "replica.router.statements";
    static final String ERRORS = "replica.router.statement.errors";
    static final String FALLBACKS = "replica.router.fallbacks";
    static final String RETRIES = "replica.router.retries";
    static final String NODE_FAILURES = "replica.router.node.failures";
    static final String PROBE_FAILURES = "replica.router.probe.failures";
    static final String POOL_EXHAUSTED = "replica.router.pool.exhausted";
    static final String EJECTIONS = "replica.router.ejections";
    static final String READMISSIONS = "replica.router.readmissions";
    static final String FENCES = "replica.router.fences";
    static final String PRIMARY_CHANGES = "replica.router.primary.changes";
    static final String CONSISTENCY_WAITS = "replica.router.consistency.waits";
    static final String TOKENS_IGNORED = "replica.router.tokens.ignored";

    private static final RouteReason[] REASONS = RouteReason.values();
    private static final String[] REASON_TAGS = Arrays.stream(REASONS).map(RouteReason::tag)
            .toArray(String[]::new);

    /** PostgreSQL's SQLState classes (Appendix A of its manual): the values the error counter's tag may take. */
    private static final Set<String> SQLSTATE_CLASSES = Set.of("00", "01", "02", "03", "08", "09", "0A", "0B", "0F",
            "0L", "0P", "0Z", "20", "21", "22", "23", "24", "25", "26", "27", "28", "2B", "2D", "2F", "34", "38", "39",
            "3B", "3D", "3F", "40", "42", "44", "53", "54", "55", "57", "58", "72", "F0", "HV", "P0", "XX");

    /**
     * One counted series: a meter's name and tags, a count and (for timers) a total in nanoseconds.
     *
     * @param tags tag keys and values, alternating
     */
    public record Cell(String name, String description, boolean timer, List<String> tags, LongAdder count,
                       LongAdder totalNanos) {

        Cell(String name, String description, boolean timer, String... tags) {
            this(name, description, timer, List.of(tags), new LongAdder(), timer ? new LongAdder() : null);
        }
    }

    /** A node's counters; arrays indexed by enum ordinal, filled on first use. */
    private final class NodeCells {
        final String name;
        final Cell[] statements = new Cell[REASONS.length * 2];
        final Map<String, Cell> errors = new ConcurrentHashMap<>();
        final Cell[] probes = new Cell[ProbeFailure.values().length];
        final Cell[] ejections = new Cell[EjectionCause.values().length];
        final Cell[] fences = new Cell[FenceCause.values().length];
        final Cell[] waits = new Cell[2];
        final Cell[] single = new Cell[4]; // retries, node failures, pool exhausted, readmissions

        NodeCells(String name) {
            this.name = name;
        }

        Cell statement(int index) {
            Cell c = statements[index];
            if (c == null) {
                RouteReason reason = REASONS[index >> 1];
                c = create(statements, index, () -> new Cell(STATEMENTS, "Statements the router ran, by node, route"
                        + " reason and type (read, or anything else: write)", true, "node", name, "reason",
                        REASON_TAGS[reason.ordinal()], "type", (index & 1) == 1 ? "write" : "read"));
            }
            return c;
        }
    }

    private final Object lock = new Object();
    private volatile NodeCells[] nodes = new NodeCells[0];
    private final Cell[] fallbacks = new Cell[2];
    private final Cell[] tokens = new Cell[TokenProblem.values().length];
    private final Cell[] primaryChanges = new Cell[1];
    /** Every cell created, in order, for a registry bound later. Guarded by {@link #lock}. */
    private final List<Cell> created = new ArrayList<>();
    /** Told of every cell: those created before, and each new one. Guarded by {@link #lock}. */
    private final List<Consumer<Cell>> sinks = new ArrayList<>();

    @Override
    public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                         int attempt) {
        NodeCells n = node(node);
        Cell c = n.statement((reason.ordinal() << 1) | (write ? 1 : 0));
        c.count.increment();
        c.totalNanos.add(elapsedNanos);
        if (sqlState != null) {
            error(n, sqlState).count.increment();
        }
        if (reason == RouteReason.NO_REPLICA_FALLBACK) {
            fallback(0, "no_replica").count.increment();
        } else if (reason == RouteReason.CONSISTENCY_FALLBACK) {
            fallback(1, "consistency").count.increment();
        }
    }

    @Override
    public void retried(String failedNode, String nextNode, SQLException cause) {
        single(node(failedNode), 0, RETRIES, "Reads retried on another node after failing on this one").count
                .increment();
    }

    @Override
    public void nodeDown(String node, SQLException cause) {
        single(node(node), 1, NODE_FAILURES, "Times a node was marked down after a connection error").count
                .increment();
    }

    @Override
    public void poolExhausted(String node) {
        single(node(node), 2, POOL_EXHAUSTED, "Times a node's pool had no free connection in time").count
                .increment();
    }

    @Override
    public void replicaReadmitted(String node) {
        single(node(node), 3, READMISSIONS, "Times a replica came back into read rotation").count.increment();
    }

    @Override
    public void nodeUnreachable(String node, ProbeFailure failure, String detail, int abortedConnections) {
        NodeCells n = node(node);
        byCause(n, n.probes, failure.ordinal(), PROBE_FAILURES, "Failed probes of the topology monitor", "failure",
                failure.tag()).count.increment();
    }

    @Override
    public void replicaEjected(String node, EjectionCause cause, String detail) {
        NodeCells n = node(node);
        byCause(n, n.ejections, cause.ordinal(), EJECTIONS, "Times the monitor took a replica out of read rotation",
                "cause", cause.tag()).count.increment();
    }

    @Override
    public void nodeFenced(String node, FenceCause cause, String detail) {
        NodeCells n = node(node);
        byCause(n, n.fences, cause.ordinal(), FENCES, "Times a node was fenced (no traffic at all)", "cause",
                cause.tag()).count.increment();
    }

    @Override
    public void primaryChanged(String oldPrimary, String newPrimary) {
        Cell c = primaryChanges[0];
        if (c == null) {
            c = create(primaryChanges, 0, () -> new Cell(PRIMARY_CHANGES, "Times the primary changed (failover, or"
                    + " none found)", false));
        }
        c.count.increment();
    }

    @Override
    public void consistencyWait(String node, long waitedNanos, boolean satisfied) {
        NodeCells n = node(node);
        int i = satisfied ? 1 : 0;
        Cell c = n.waits[i];
        if (c == null) {
            c = create(n.waits, i, () -> new Cell(CONSISTENCY_WAITS, "Reads that waited for a replica to replay"
                    + " their scope's writes; satisfied=false when the wait gave up", true, "node", n.name,
                    "satisfied", Boolean.toString(satisfied)));
        }
        c.count.increment();
        c.totalNanos.add(waitedNanos);
    }

    @Override
    public void tokenIgnored(TokenProblem problem, String detail) {
        int i = problem.ordinal();
        Cell c = tokens[i];
        if (c == null) {
            c = create(tokens, i, () -> new Cell(TOKENS_IGNORED, "Consistency tokens ignored, by problem", false,
                    "problem", problem.tag()));
        }
        c.count.increment();
    }

    /**
     * Statements counted on {@code node} since start, by route reason tag ({@code read}, {@code tx_read_only}, ...;
     * reads and writes added up), in the order of {@link RouteReason}; empty for a node with none.
     */
    public Map<String, Long> statements(String node) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (NodeCells n : nodes) {
            if (n.name.equals(node)) {
                for (int i = 0; i < n.statements.length; i++) {
                    Cell c = n.statements[i];
                    if (c != null) {
                        counts.merge(REASON_TAGS[i >> 1], c.count.sum(), Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    /**
     * Calls {@code sink} with every cell created so far and then with each new one (under this listener's lock, so
     * none is missed or told twice): how {@link RoutingMeterBinder} registers meters for a registry.
     */
    public void subscribe(Consumer<Cell> sink) {
        synchronized (lock) {
            sinks.add(sink);
            created.forEach(sink);
        }
    }

    /** Every cell created so far. */
    List<Cell> cells() {
        synchronized (lock) {
            return List.copyOf(created);
        }
    }

    /** The node's counters; the node is learned on its first event. */
    private NodeCells node(String name) {
        String key = name == null ? "none" : name;
        NodeCells[] ns = nodes;
        for (NodeCells n : ns) {
            if (n.name == key) { // the router passes the same string every time
                return n;
            }
        }
        for (NodeCells n : ns) {
            if (n.name.equals(key)) {
                return n;
            }
        }
        return learn(key);
    }

    private NodeCells learn(String name) {
        synchronized (lock) {
            NodeCells[] ns = nodes;
            String key = ns.length >= MAX_NODES ? "other" : name;
            for (NodeCells n : ns) {
                if (n.name.equals(key)) {
                    return n;
                }
            }
            NodeCells n = new NodeCells(key);
            NodeCells[] next = Arrays.copyOf(ns, ns.length + 1);
            next[ns.length] = n;
            nodes = next;
            return n;
        }
    }

    private Cell error(NodeCells n, String sqlState) {
        String cls = sqlState.length() >= 2 ? sqlState.substring(0, 2).toUpperCase(Locale.ROOT) : "";
        String tag = cls.isEmpty() ? "none" : SQLSTATE_CLASSES.contains(cls) ? cls : "other";
        Cell c = n.errors.get(tag);
        if (c == null) {
            synchronized (lock) {
                c = n.errors.computeIfAbsent(tag, t -> register(new Cell(ERRORS, "Failed statement attempts, by node"
                        + " and SQLState class (none when the failure had no SQLState)", false, "node", n.name,
                        "sqlstate.class", t)));
            }
        }
        return c;
    }

    private Cell fallback(int i, String tag) {
        Cell c = fallbacks[i];
        if (c == null) {
            c = create(fallbacks, i, () -> new Cell(FALLBACKS, "Reads that went to the primary because no replica"
                    + " could serve them (no_replica: none eligible; consistency: none caught up)", false, "reason",
                    tag));
        }
        return c;
    }

    /** A node's counter for one value of a cause enum ({@code slots[i]}), tagged {@code node} and {@code tagKey}. */
    private Cell byCause(NodeCells n, Cell[] slots, int i, String name, String description, String tagKey,
                         String tag) {
        Cell c = slots[i];
        if (c == null) {
            c = create(slots, i, () -> new Cell(name, description, false, "node", n.name, tagKey, tag));
        }
        return c;
    }

    private Cell single(NodeCells n, int i, String name, String description) {
        Cell c = n.single[i];
        if (c == null) {
            c = create(n.single, i, () -> new Cell(name, description, false, "node", n.name));
        }
        return c;
    }

    private Cell create(Cell[] slots, int index, java.util.function.Supplier<Cell> factory) {
        synchronized (lock) {
            Cell c = slots[index];
            if (c == null) {
                c = register(factory.get());
                slots[index] = c; // final fields: safely published to readers that skip the lock
            }
            return c;
        }
    }

    /** Records a new cell and tells the sinks. Called with {@link #lock} held. */
    private Cell register(Cell c) {
        created.add(c);
        for (Consumer<Cell> sink : sinks) {
            sink.accept(c);
        }
        return c;
    }

    @Override
    public String toString() {
        return "RoutingMetricsListener" + Arrays.stream(nodes).map(n -> n.name).toList();
    }
}
