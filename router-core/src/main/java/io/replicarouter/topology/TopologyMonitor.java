package io.replicarouter.topology;

import io.replicarouter.RoutingListener;
import io.replicarouter.consistency.PrimaryPosition;
import io.replicarouter.routing.Router;
import io.replicarouter.routing.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Probes every node on a fixed interval (its own connections, one round trip each, all nodes in parallel),
 * decides roles and replica eligibility, and publishes a new immutable {@link Topology} to the router when
 * something changed. Runs on two daemon threads; {@link #close()} stops them and the probe connections.
 */
public final class TopologyMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopologyMonitor.class);

    private final Router router;
    private final List<Node> nodes;
    private final List<Prober> probers = new ArrayList<>();
    private final List<Future<NodeStatus>> inFlight = new ArrayList<>();
    private final LagPolicy lagPolicy;
    private final long slowStartNanos;
    private final RoutingListener listener;
    private final long intervalNanos;
    private final long probeTimeoutNanos;
    private final LagHistory history = new LagHistory(4096);
    private final long[] readmittedAt;
    /** The node configured as the primary (-1 when roles are discovered), and which nodes were ever primary. */
    private final int configuredPrimary;
    private final boolean[] everPrimary;
    /** Per node: the last probe error logged (WARN once per change), null while it answers. */
    private final String[] loggedError;
    private final boolean[] misconfigured;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probePool;
    private final PrimaryPosition primaryPosition;
    private volatile long systemId;
    private volatile boolean closed;

    public TopologyMonitor(Router router, List<Node> nodes, Duration interval, Duration probeTimeout,
                           LagPolicy lagPolicy, Duration slowStart, RoutingListener listener,
                           PrimaryPosition primaryPosition) {
        this.router = router;
        this.primaryPosition = primaryPosition;
        this.nodes = List.copyOf(nodes);
        this.lagPolicy = lagPolicy;
        this.slowStartNanos = Math.max(1, slowStart.toNanos());
        this.listener = listener;
        this.intervalNanos = interval.toNanos();
        this.probeTimeoutNanos = probeTimeout.toNanos();
        this.readmittedAt = new long[nodes.size()];
        Node configured = router.topology().primary();
        this.configuredPrimary = configured == null ? -1 : configured.index();
        this.everPrimary = new boolean[nodes.size()];
        this.loggedError = new String[nodes.size()];
        this.misconfigured = new boolean[nodes.size()];
        for (Node n : this.nodes) {
            probers.add(new Prober(n, (int) Math.max(1, probeTimeout.toMillis())));
            inFlight.add(null);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "replica-router-monitor"));
        this.probePool = Executors.newFixedThreadPool(nodes.size(), r -> daemon(r, "replica-router-probe"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Runs one round now (so the router starts with real roles), then every interval. */
    public void start() {
        round();
        scheduler.scheduleWithFixedDelay(this::safeRound, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** The primary's newest WAL position seen (unsigned), 0 before the first sample. */
    public long primaryLsn() {
        return primaryPosition.get();
    }

    /** The one-round-trip query each probe runs (for benchmarks and docs). */
    public static String probeSql() {
        return Prober.PROBE;
    }

    /** The cluster's system identifier (0 when unknown). */
    public long systemId() {
        return systemId;
    }

    private void safeRound() {
        try {
            round();
        } catch (RuntimeException e) {
            log.warn("topology monitor round failed: {}", e.toString());
        }
    }

    /** One round of probes and the topology it implies. Runs on the monitor thread (or once at start). */
    synchronized void round() {
        if (closed) {
            return;
        }
        List<NodeStatus> statuses = probeAll();
        long now = System.nanoTime();
        for (Node node : nodes) {
            reachability(node, statuses.get(node.index()), now);
        }
        Topology current = router.topology();
        int currentPrimary = current.primary() == null ? -1 : current.primary().index();
        RoleResolver.Roles roles = RoleResolver.resolve(statuses, currentPrimary);

        Node primary = roles.primary() >= 0 ? nodes.get(roles.primary()) : null;
        if (primary != null) {
            everPrimary[primary.index()] = true;
        }
        checkConfiguredPrimary(statuses);
        if (primary != current.primary()) {
            String from = current.primary() == null ? null : current.primary().name();
            String to = primary == null ? null : primary.name();
            if (primary != null && current.primary() != null) {
                history.clear(); // positions of the old timeline
                primaryPosition.reset();
            }
            log.info("primary changed: {} -> {}", from, to);
            listener.primaryChanged(from, to);
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            boolean fence = roles.fenced().contains(i);
            if (fence && !node.fenced()) {
                String why = roles.reasons().get(roles.fenced().indexOf(i));
                log.warn("node {} fenced: {}", node.name(), why);
                listener.nodeFenced(node.name(), why);
            }
            node.fenced(fence);
        }
        if (primary != null) {
            NodeStatus ps = statuses.get(primary.index());
            primary.role(NodeRole.PRIMARY);
            history.record(ps.observedAt(), ps.currentLsn());
            primaryPosition.observe(ps.currentLsn(), ps.observedAt());
            if (ps.systemId() != 0) {
                systemId = ps.systemId();
            }
        }
        List<Node> eligible = new ArrayList<>();
        List<Node> slow = new ArrayList<>();
        List<Long> slowBegin = new ArrayList<>();
        for (Node node : nodes) {
            NodeStatus s = statuses.get(node.index());
            if (node == primary) {
                continue;
            }
            boolean serves = s.reachable() && s.inRecovery() && !node.fenced() && !misconfigured[node.index()];
            if (serves) {
                node.role(NodeRole.REPLICA);
                node.observeReplay(s.replayLsn(), s.observedAt());
                long lagBytes = Math.max(0, history.latestLsn() - s.replayLsn());
                long lagNanos = history.lagNanos(now, s.replayLsn());
                node.lag(lagNanos, lagBytes);
                serves = lagPolicy.eligible(node.eligible(), lagNanos, lagBytes);
                if (!serves && node.eligible()) {
                    eject(node, "lag " + lagNanos / 1_000_000 + " ms / " + lagBytes + " bytes");
                }
            } else if (node.eligible() && node.role() == NodeRole.REPLICA) {
                eject(node, !s.reachable() ? "unreachable: " + s.error() : node.fenced() ? "fenced"
                        : misconfigured[node.index()] ? "configured as the primary, but a standby" : "not in recovery");
            } else {
                node.eligible(false); // a (former) primary: never in rotation until it is a replica
            }
            if (serves) {
                if (!node.eligible()) {
                    node.eligible(true);
                    readmittedAt[node.index()] = now;
                    log.info("replica {} back in rotation (slow start {} ms)", node.name(), slowStartNanos / 1_000_000);
                    listener.replicaReadmitted(node.name());
                }
                eligible.add(node);
                if (readmittedAt[node.index()] != 0 && now - readmittedAt[node.index()] < slowStartNanos) {
                    slow.add(node);
                    slowBegin.add(readmittedAt[node.index()]);
                }
            }
        }
        Topology next = new Topology(primary, eligible, nodes, slow,
                slowBegin.stream().mapToLong(Long::longValue).toArray(), slowStartNanos,
                primary == null ? noPrimaryReason(statuses) : null);
        if (!sameAs(current, next)) {
            router.topology(next);
        }
    }

    /**
     * Publishes whether the node answered. A node that stopped answering (probe timed out, connection lost) has
     * its connections aborted, so statements blocked on it fail now rather than when TCP gives up; new borrows
     * fail at once until it answers again. The cause is logged once per change.
     */
    private void reachability(Node node, NodeStatus s, long now) {
        int i = node.index();
        if (s.reachable()) {
            if (node.unreachable() != null) {
                node.unreachable(null);
            }
            if (loggedError[i] != null) {
                loggedError[i] = null;
                log.info("node {} answers again", node.name());
            }
            return;
        }
        Node.Unreachable was = node.unreachable();
        node.unreachable(new Node.Unreachable(s.error(), was == null ? now : was.since(), s.hung()));
        int aborted = s.hung() ? node.abortConnections(s.error()) : 0;
        if (!s.error().equals(loggedError[i])) {
            loggedError[i] = s.error();
            if (aborted > 0) {
                log.warn("node {} does not answer: {}; aborted its {} open connections (statements on them fail"
                        + " with SQLState 08007, reads are retried elsewhere)", node.name(), s.error(), aborted);
            } else {
                log.warn("node {} does not answer: {}", node.name(), s.error());
            }
        }
        if (was == null || aborted > 0) {
            listener.nodeUnreachable(node.name(), s.error(), aborted);
        }
    }

    /**
     * The node configured as the primary reports recovery although it never was the primary here: its URL points
     * at a standby. It gets no traffic (neither writes nor reads) until it is a primary.
     */
    private void checkConfiguredPrimary(List<NodeStatus> statuses) {
        if (configuredPrimary < 0) {
            return;
        }
        NodeStatus s = statuses.get(configuredPrimary);
        boolean wrong = s.reachable() && s.inRecovery() && !everPrimary[configuredPrimary];
        if (wrong && !misconfigured[configuredPrimary]) {
            Node node = nodes.get(configuredPrimary);
            log.warn("node {} is configured as the primary but is a standby (pg_is_in_recovery() = true): it gets no"
                    + " traffic; check its URL, or give every node with node(...) to let the router discover roles",
                    node.name());
        }
        misconfigured[configuredPrimary] = wrong;
    }

    /** What the nodes answered, for the error a write gets while there is no primary. */
    private String noPrimaryReason(List<NodeStatus> statuses) {
        StringBuilder sb = new StringBuilder("no node answers as primary: ");
        for (Node node : nodes) {
            NodeStatus s = statuses.get(node.index());
            if (node.index() > 0) {
                sb.append("; ");
            }
            sb.append(node.name()).append(' ');
            if (!s.reachable()) {
                sb.append("does not answer: ").append(s.error());
            } else if (misconfigured[node.index()]) {
                sb.append("is configured as the primary but is a standby (check its URL)");
            } else if (node.fenced()) {
                sb.append("is fenced");
            } else {
                sb.append(s.inRecovery() ? "is a standby" : "claims primary");
            }
        }
        return sb.toString();
    }

    private void eject(Node node, String why) {
        node.eligible(false);
        log.warn("replica {} out of rotation: {}", node.name(), why);
        listener.replicaEjected(node.name(), why);
    }

    private static boolean sameAs(Topology a, Topology b) {
        return a.primary() == b.primary() && a.replicas().equals(b.replicas())
                && a.slowStarting().equals(b.slowStarting()) && a.slowStarting().isEmpty()
                && a.noPrimaryReason().equals(b.noPrimaryReason());
    }

    private List<NodeStatus> probeAll() {
        // A probe still running from an earlier round (a node that hangs past its network timeout) is not
        // started again: a prober is used by one thread at a time, and the node counts as unreachable.
        for (int i = 0; i < probers.size(); i++) {
            Future<NodeStatus> previous = inFlight.get(i);
            if (previous == null || previous.isDone()) {
                inFlight.set(i, probePool.submit(probers.get(i)::probe));
            }
        }
        List<NodeStatus> statuses = new ArrayList<>();
        long deadline = System.nanoTime() + probeTimeoutNanos + TimeUnit.MILLISECONDS.toNanos(500);
        for (Future<NodeStatus> f : inFlight) {
            try {
                statuses.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                statuses.add(NodeStatus.unreachable(System.nanoTime(), "probe timed out"));
            } catch (java.util.concurrent.ExecutionException e) {
                statuses.add(NodeStatus.unreachable(System.nanoTime(), String.valueOf(e.getCause())));
            } catch (java.util.concurrent.CancellationException e) {
                statuses.add(NodeStatus.unreachable(System.nanoTime(), "probe cancelled"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                statuses.add(NodeStatus.unreachable(System.nanoTime(), "interrupted"));
            }
        }
        return statuses;
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        probePool.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
            probePool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            probers.forEach(Prober::close);
        }
    }
}
