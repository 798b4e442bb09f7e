package io.replicarouter.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every cluster implementation shares: the bookkeeping of each node's state, and the fault controls
 * that work over SQL. Subclasses provide the server lifecycle ({@link #startServer}, {@link #stopServer},
 * {@link #killServer}) and the address a replica uses to reach its upstream.
 */
abstract class AbstractCluster implements PostgresCluster {

    private static final Logger log = LoggerFactory.getLogger(AbstractCluster.class);
    private static final Duration POLL = Duration.ofMillis(10);

    protected final ClusterSpec spec;
    private final Map<String, NodeState> states = new HashMap<>();
    private final List<ClusterNode> nodes = new ArrayList<>();
    private ClusterNode currentPrimary;
    private boolean topologyChanged;
    private volatile boolean closed;

    /** Mutable per-node bookkeeping; guarded by the cluster's monitor. */
    private static final class NodeState {
        boolean running;
        boolean paused;
        boolean delayed;
        boolean frozen;
        ClusterNode upstream;
    }

    protected AbstractCluster(ClusterSpec spec) {
        this.spec = spec;
    }

    // ---- lifecycle provided by the implementation ----

    /** Starts the node's server and returns once it accepts connections. */
    protected abstract void startServer(ClusterNode node);

    protected abstract void stopServer(ClusterNode node);

    protected abstract void killServer(ClusterNode node);

    /** SIGSTOPs the node's postmaster and every child, and returns once all of them are stopped. */
    protected abstract void freezeServer(ClusterNode node);

    /** SIGCONTs the node's postmaster and every child; nothing to do when they are gone. */
    protected abstract void thawServer(ClusterNode node);

    /** Host and port under which {@code upstream} is reachable from another node's server. */
    protected abstract String replicationHost(ClusterNode upstream);

    protected abstract int replicationPort(ClusterNode upstream);

    /** The last lines of the node's server log, for error messages. */
    protected abstract String logTail(ClusterNode node);

    /** Stops every server and removes every resource; never throws. */
    protected abstract void destroy();

    // ---- registration while starting ----

    protected final synchronized void register(ClusterNode node, ClusterNode upstream, boolean running) {
        nodes.add(node);
        NodeState state = new NodeState();
        state.upstream = upstream;
        state.running = running;
        states.put(node.name(), state);
        if (upstream == null && currentPrimary == null) {
            currentPrimary = node;
        }
    }

    // ---- accessors ----

    @Override
    public ClusterNode primary() {
        return nodes().get(0);
    }

    @Override
    public ClusterNode replica(int index) {
        List<ClusterNode> replicas = replicas();
        if (index < 0 || index >= replicas.size()) {
            throw new IndexOutOfBoundsException("replica index " + index + " out of range: this cluster has "
                    + replicas.size() + " replica(s)");
        }
        return replicas.get(index);
    }

    @Override
    public List<ClusterNode> replicas() {
        List<ClusterNode> all = nodes();
        return all.subList(1, all.size());
    }

    @Override
    public synchronized List<ClusterNode> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public synchronized ClusterNode currentPrimary() {
        return currentPrimary;
    }

    @Override
    public synchronized boolean isRunning(ClusterNode node) {
        return state(node).running;
    }

    @Override
    public synchronized boolean isFrozen(ClusterNode node) {
        return state(node).frozen;
    }

    @Override
    public synchronized boolean topologyChanged() {
        return topologyChanged;
    }

    // ---- fault controls ----

    @Override
    public void pauseReplay(ClusterNode replica) {
        requireRunningReplica(replica, "pauseReplay");
        execute(replica, "pauseReplay", "SELECT pg_wal_replay_pause()");
        synchronized (this) {
            state(replica).paused = true;
        }
    }

    @Override
    public void resumeReplay(ClusterNode replica) {
        requireRunningReplica(replica, "resumeReplay");
        execute(replica, "resumeReplay", "SELECT pg_wal_replay_resume()");
        synchronized (this) {
            state(replica).paused = false;
        }
    }

    @Override
    public void applyDelay(ClusterNode replica, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("applyDelay needs a delay >= 0, was " + delay);
        }
        requireRunningReplica(replica, "applyDelay");
        String expected = Long.toString(delay.toMillis());
        if (delay.isZero()) {
            execute(replica, "applyDelay", "ALTER SYSTEM RESET recovery_min_apply_delay");
        } else {
            execute(replica, "applyDelay", "ALTER SYSTEM SET recovery_min_apply_delay = '" + delay.toMillis() + "ms'");
        }
        execute(replica, "applyDelay", "SELECT pg_reload_conf()");
        // The reload is asynchronous: wait until a new session sees the new value.
        awaitCondition("applyDelay on " + replica.name(), spec.startupTimeout(),
                () -> expected.equals(queryString(replica, "applyDelay",
                        "SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'")));
        synchronized (this) {
            state(replica).delayed = !delay.isZero();
        }
    }

    @Override
    public void freeze(ClusterNode node) {
        synchronized (this) {
            NodeState state = state(node);
            if (!state.running) {
                throw new IllegalStateException("freeze: " + node.name() + " is not running (start it first)");
            }
            if (state.frozen) {
                return;
            }
        }
        if (closed) {
            throw new IllegalStateException("freeze: the cluster is closed");
        }
        synchronized (this) {
            // Marked first: should the freeze fail half way, thaw() and reset() still undo what it did.
            state(node).frozen = true;
        }
        freezeServer(node);
        log.info("froze {} (its processes are stopped until thaw)", node.name());
    }

    @Override
    public void thaw(ClusterNode node) {
        synchronized (this) {
            if (!state(node).frozen) {
                return;
            }
        }
        thawServer(node);
        synchronized (this) {
            state(node).frozen = false;
        }
        log.info("thawed {}", node.name());
    }

    @Override
    public void stop(ClusterNode node) {
        synchronized (this) {
            if (!state(node).running) {
                return;
            }
        }
        thaw(node); // a stopped postmaster would not act on the shutdown request
        stopServer(node);
        markDown(node);
    }

    @Override
    public void kill(ClusterNode node) {
        synchronized (this) {
            if (!state(node).running) {
                return;
            }
        }
        killServer(node);
        markDown(node);
    }

    private synchronized void markDown(ClusterNode node) {
        NodeState state = state(node);
        state.running = false;
        state.paused = false; // a restart forgets a pause
        state.frozen = false; // no process is left to thaw
    }

    @Override
    public void start(ClusterNode node) {
        ClusterNode upstream;
        synchronized (this) {
            NodeState state = state(node);
            if (state.running) {
                return;
            }
            upstream = state.upstream;
        }
        startServer(node);
        synchronized (this) {
            state(node).running = true;
        }
        if (upstream != null && isRunning(upstream)) {
            awaitStreaming(node, upstream, spec.startupTimeout());
        }
    }

    @Override
    public void restart(ClusterNode node) {
        stop(node);
        start(node);
    }

    @Override
    public ClusterNode promote(ClusterNode replica) {
        requireRunningReplica(replica, "promote");
        boolean promoted = queryBoolean(replica, "promote",
                "SELECT pg_promote(true, " + Math.max(1, spec.startupTimeout().toSeconds()) + ")");
        if (!promoted || queryBoolean(replica, "promote", "SELECT pg_is_in_recovery()")) {
            throw new ClusterException("promote: " + replica.name() + " did not leave recovery within "
                    + spec.startupTimeout() + "\n" + logTail(replica));
        }
        // A transaction id can only be assigned on a server that accepts writes.
        queryString(replica, "promote", "SELECT pg_current_xact_id()::text");
        synchronized (this) {
            NodeState state = state(replica);
            state.upstream = null;
            state.paused = false;
            currentPrimary = replica;
            topologyChanged = true;
        }
        log.info("promoted {} to primary", replica.name());
        return replica;
    }

    @Override
    public void follow(ClusterNode replica, ClusterNode upstream) {
        requireRunning(upstream, "follow");
        requireRunning(replica, "follow");
        if (replica.equals(upstream)) {
            throw new IllegalArgumentException("follow: " + replica.name() + " cannot follow itself");
        }
        if (!queryBoolean(replica, "follow", "SELECT pg_is_in_recovery()")) {
            throw new IllegalArgumentException("follow: " + replica.name()
                    + " is not in recovery (a primary cannot follow another node without pg_rewind)");
        }
        createSlot(upstream, replica.name());
        String conninfo = ServerConfig.primaryConninfo(replicationHost(upstream), replicationPort(upstream),
                spec.username(), spec.password(), replica.name());
        execute(replica, "follow", "ALTER SYSTEM SET primary_conninfo = " + sqlLiteral(conninfo));
        execute(replica, "follow", "ALTER SYSTEM SET primary_slot_name = " + sqlLiteral(replica.name()));
        execute(replica, "follow", "SELECT pg_reload_conf()");
        awaitStreaming(replica, upstream, spec.startupTimeout());
        synchronized (this) {
            state(replica).upstream = upstream;
            topologyChanged = true;
        }
    }

    @Override
    public void waitForCatchUp(Duration timeout) {
        ClusterNode primary = currentPrimary();
        Lsn target = currentLsn(primary);
        List<ClusterNode> followers = runningFollowersOf(primary);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> behind = new ArrayList<>();
        for (ClusterNode replica : followers) {
            if (isFrozen(replica)) { // it cannot replay, and asking it would hang
                behind.add(replica.name() + " is frozen (thaw it first)");
                continue;
            }
            while (true) {
                Lsn replayed = replayLsn(replica);
                if (replayed.hasReached(target)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    boolean paused;
                    synchronized (this) {
                        paused = state(replica).paused;
                    }
                    behind.add(replica.name() + " replayed " + replayed + " of " + target
                            + (paused ? " (replay is paused)" : ""));
                    break;
                }
                ServerProcesses.sleep(POLL.toMillis());
            }
        }
        if (!behind.isEmpty()) {
            throw new ClusterException("replicas did not catch up with " + primary.name() + " within " + timeout
                    + ": " + String.join("; ", behind));
        }
    }

    @Override
    public Lsn currentLsn(ClusterNode node) {
        requireRunning(node, "currentLsn");
        return Lsn.parse(queryString(node, "currentLsn",
                "SELECT CASE WHEN pg_is_in_recovery()"
                        + " THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text"
                        + " ELSE pg_current_wal_lsn()::text END"));
    }

    @Override
    public Lsn replayLsn(ClusterNode replica) {
        requireRunning(replica, "replayLsn");
        String text = queryString(replica, "replayLsn", "SELECT pg_last_wal_replay_lsn()::text");
        if (text == null) {
            throw new IllegalArgumentException("replayLsn: " + replica.name() + " is not a replica (not in recovery)");
        }
        return Lsn.parse(text);
    }

    @Override
    public void reset() {
        if (topologyChanged()) {
            throw new IllegalStateException("the cluster's topology changed (a promotion or follow): "
                    + "close it and start a new one");
        }
        for (ClusterNode node : nodes()) { // first: every other step talks to the servers
            thaw(node);
        }
        for (ClusterNode node : nodes()) { // primary first
            start(node);
        }
        List<ClusterNode> paused = new ArrayList<>();
        List<ClusterNode> delayed = new ArrayList<>();
        synchronized (this) {
            for (ClusterNode node : nodes) {
                NodeState s = states.get(node.name());
                if (s.paused) {
                    paused.add(node);
                }
                if (s.delayed) {
                    delayed.add(node);
                }
            }
        }
        paused.forEach(this::resumeReplay);
        delayed.forEach(n -> applyDelay(n, Duration.ZERO));
        waitForCatchUp(spec.startupTimeout());
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ClusterNode node : nodes()) {
            try {
                thaw(node); // an immediate shutdown of a stopped postmaster would wait for its timeout
            } catch (RuntimeException e) {
                log.warn("could not thaw {} before closing ({}); its processes will be killed", node.name(),
                        e.getMessage());
            }
        }
        destroy();
    }

    protected boolean isClosed() {
        return closed;
    }

    // ---- helpers shared with the implementations ----

    /** Creates a physical replication slot named {@code name} on {@code node} unless it exists. */
    protected void createSlot(ClusterNode node, String name) {
        queryString(node, "create slot " + name,
                "SELECT coalesce((SELECT slot_name::text FROM pg_replication_slots WHERE slot_name = "
                        + sqlLiteral(name) + "), (SELECT slot_name::text FROM pg_create_physical_replication_slot("
                        + sqlLiteral(name) + ", true)))");
    }

    /** Waits until {@code upstream} shows {@code replica} streaming. */
    protected void awaitStreaming(ClusterNode replica, ClusterNode upstream, Duration timeout) {
        String sql = "SELECT count(*) > 0 FROM pg_stat_replication WHERE state = 'streaming' AND application_name = "
                + sqlLiteral(replica.name());
        try {
            awaitCondition(replica.name() + " streaming from " + upstream.name(), timeout,
                    () -> queryBoolean(upstream, "replication state", sql));
        } catch (ClusterException e) {
            throw new ClusterException(e.getMessage() + "\nlast lines of " + replica.name() + "'s log:\n"
                    + logTail(replica), e);
        }
    }

    protected interface Check {
        boolean ok();
    }

    protected static void awaitCondition(String what, Duration timeout, Check check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ClusterException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (ClusterException e) {
                last = e;
            }
            ServerProcesses.sleep(POLL.toMillis());
        }
        throw new ClusterException("timed out after " + timeout + " waiting for " + what
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    protected static String sqlLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * Control statements use the {@code postgres} maintenance database: the cluster's own database does not
     * exist on a replica until it has replayed its creation.
     */
    private static Connection controlConnection(ClusterNode node) throws SQLException {
        return new ClusterNode(node.name(), node.host(), node.port(), "postgres", node.username(), node.password(),
                node.dataDir()).connect();
    }

    protected void execute(ClusterNode node, String action, String sql) {
        try (Connection c = controlConnection(node); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure(node, action, e);
        }
    }

    protected String queryString(ClusterNode node, String action, String sql) {
        try (Connection c = controlConnection(node); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw failure(node, action, e);
        }
    }

    protected boolean queryBoolean(ClusterNode node, String action, String sql) {
        String value = queryString(node, action, sql);
        return "t".equals(value) || "true".equals(value);
    }

    private ClusterException failure(ClusterNode node, String action, SQLException e) {
        return new ClusterException(action + " on " + node.name() + " (" + node.host() + ":" + node.port()
                + ") failed: " + e.getMessage(), e);
    }

    private synchronized List<ClusterNode> runningFollowersOf(ClusterNode upstream) {
        List<ClusterNode> followers = new ArrayList<>();
        for (ClusterNode node : nodes) {
            NodeState s = states.get(node.name());
            if (s.running && upstream.equals(s.upstream)) {
                followers.add(node);
            }
        }
        return followers;
    }

    private NodeState state(ClusterNode node) {
        NodeState state = node == null ? null : states.get(node.name());
        if (state == null || !nodes.contains(node)) {
            throw new IllegalArgumentException("node " + node + " is not part of this cluster");
        }
        return state;
    }

    /** For the controls that talk SQL: the node must run and answer (a frozen node would hang them). */
    private void requireRunning(ClusterNode node, String action) {
        synchronized (this) {
            NodeState state = state(node);
            if (!state.running) {
                throw new IllegalStateException(action + ": " + node.name() + " is not running (start it first)");
            }
            if (state.frozen) {
                throw new IllegalStateException(action + ": " + node.name() + " is frozen (thaw it first)");
            }
        }
        if (closed) {
            throw new IllegalStateException(action + ": the cluster is closed");
        }
    }

    private void requireRunningReplica(ClusterNode node, String action) {
        requireRunning(node, action);
        synchronized (this) {
            if (state(node).upstream == null) {
                throw new IllegalArgumentException(action + ": " + node.name()
                        + " is a primary, not a replica");
            }
        }
    }
}
