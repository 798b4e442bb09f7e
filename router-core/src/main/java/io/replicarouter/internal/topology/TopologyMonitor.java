package io.replicarouter.internal.topology;

import io.replicarouter.FenceCause;
import io.replicarouter.RoutingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Probes every node on a fixed interval (its own connections, one round trip each, all nodes in parallel), lets
 * {@link RoundRules} decide roles and replica eligibility, applies the {@link Effect}s (aborts the connections of
 * hung nodes, logs, tells the listener) and publishes the next immutable {@link Topology} through the
 * {@link TopologyHolder} once per round. Runs on two daemon threads; {@link #close()} stops them and the probe
 * connections.
 */
public final class TopologyMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopologyMonitor.class);

    private final TopologyHolder holder;
    private final List<Node> nodes;
    private final List<Prober> probers = new ArrayList<>();
    private final List<Future<NodeStatus>> inFlight = new ArrayList<>();
    private final RoundRules rules;
    private final RoutingListener listener;
    private final long intervalNanos;
    private final long probeTimeoutNanos;
    private final Clock wallClock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probePool;
    private final PrimaryPosition primaryPosition;
    private MonitorState state;
    private volatile long systemId;
    private volatile boolean closed;

    public TopologyMonitor(TopologyHolder holder, List<Node> nodes, Duration interval, Duration probeTimeout,
                           LagPolicy lagPolicy, Duration slowStart, RoutingListener listener,
                           PrimaryPosition primaryPosition) {
        this.holder = holder;
        this.primaryPosition = primaryPosition;
        this.nodes = List.copyOf(nodes);
        this.listener = listener;
        this.intervalNanos = interval.toNanos();
        this.probeTimeoutNanos = probeTimeout.toNanos();
        this.wallClock = Clock.systemUTC();
        Node configured = holder.get().primary();
        this.rules = new RoundRules(this.nodes.stream().map(Node::name).toList(),
                configured == null ? -1 : configured.index(), lagPolicy, slowStart.toNanos());
        this.state = rules.initial(this.nodes.stream().map(Node::role).toList());
        for (Node n : this.nodes) {
            probers.add(new Prober(n, (int) Math.max(1, probeTimeout.toMillis())));
            inFlight.add(null);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "replica-router-monitor"));
        this.probePool = Executors.newFixedThreadPool(nodes.size(), r -> daemon(r, "replica-router-probe"));
    }

    /**
     * How old the monitor's last round may be before what it says is stale: three intervals beyond the longest a
     * round may take (a probe that hangs holds its round for the probe timeout and half a second more).
     */
    public static long staleAfterNanos(Duration interval, Duration probeTimeout) {
        return 3 * interval.toNanos() + probeTimeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * How long the monitor's own connections may take to open, and how long the first round waits for them: at
     * least {@value #CONNECT_TIMEOUT_SECONDS} s, because a cold JVM's first connection (driver classes loaded, the
     * SCRAM exchange interpreted) on a busy machine can take longer than a probe timeout of 1 s, and a first
     * round that gave up on it would start the router with no primary. Later rounds keep the probe timeout: a
     * connection still opening then counts as unreachable while it finishes in the background.
     */
    public static final int CONNECT_TIMEOUT_SECONDS = 5;

    /** The monitor's connect and login timeout for {@code probeTimeout}: {@link #CONNECT_TIMEOUT_SECONDS} at least. */
    public static long connectTimeoutSeconds(Duration probeTimeout) {
        return Math.max(CONNECT_TIMEOUT_SECONDS, (probeTimeout.toMillis() + 999) / 1000);
    }

    /**
     * Runs one round now (so the router starts with real roles), waiting for nodes as long as their connections
     * may take to open, then every interval.
     */
    public void start() {
        round(TimeUnit.SECONDS.toNanos(connectTimeoutSeconds(Duration.ofNanos(probeTimeoutNanos))));
        scheduler.scheduleWithFixedDelay(this::safeRound, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** The primary's newest WAL position seen (unsigned), 0 before the first sample. */
    public long primaryLsn() {
        return primaryPosition.get();
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

    /** One round of probes, the decisions they imply, and their effects. Runs on the monitor thread. */
    synchronized void round() {
        round(probeTimeoutNanos);
    }

    /** A round whose probes may take {@code waitNanos} (and half a second more) before they count as unreachable. */
    private synchronized void round(long waitNanos) {
        if (closed) {
            return;
        }
        List<NodeStatus> statuses = probeAll(waitNanos);
        long now = System.nanoTime();
        RoundRules.Round round = rules.next(state, statuses, now);
        MonitorState next = round.state();
        // The new state first (borrows from a node that stopped answering fail at once, writes see a lost primary
        // as gone), then the effects: a statement failing because its connection was aborted, a listener told of a
        // change, both find the topology that explains it.
        for (Node node : nodes) {
            NodeView v = next.node(node.index());
            node.unreachable(v.unreachable());
            if (node.role() != v.role()) {
                node.role(v.role());
            }
            if (v.sampled()) {
                NodeStatus s = statuses.get(node.index());
                node.observeReplay(s.replayLsn(), s.observedAt());
                node.lag(v.lagNanos(), v.lagBytes());
            }
        }
        if (round.effects().stream().anyMatch(e -> e instanceof Effect.PrimaryChanged p && p.newTimeline())) {
            primaryPosition.reset(); // positions of the old timeline
        }
        if (next.primary() >= 0) {
            NodeStatus ps = statuses.get(next.primary());
            primaryPosition.observe(ps.currentLsn(), ps.observedAt());
        }
        systemId = next.systemId();
        state = next;
        holder.publish(topology(next));
        for (Effect effect : round.effects()) {
            apply(effect);
        }
    }

    /** The immutable topology the router reads, from the round's state. */
    private Topology topology(MonitorState s) {
        Node primary = s.primary() >= 0 ? nodes.get(s.primary()) : null;
        List<Node> eligible = new ArrayList<>();
        List<Node> slow = new ArrayList<>();
        List<Long> slowBegin = new ArrayList<>();
        for (Node node : nodes) {
            NodeView v = s.node(node.index());
            if (node == primary || !v.eligible()) {
                continue;
            }
            eligible.add(node);
            if (v.slowStarting(s.at(), rules.slowStartNanos())) {
                slow.add(node);
                slowBegin.add(v.readmittedAt());
            }
        }
        return new Topology(primary, eligible, nodes, slow, slowBegin.stream().mapToLong(Long::longValue).toArray(),
                rules.slowStartNanos(), s.noPrimaryReason(), Set.of(), s, wallClock.instant());
    }

    private void apply(Effect effect) {
        if (effect instanceof Effect.Unreachable u) {
            Node node = nodes.get(u.node());
            int aborted = u.hung() ? node.abortConnections(u.error()) : 0;
            if (u.log()) {
                if (aborted > 0) {
                    log.warn("node {} does not answer: {}; aborted its {} open connections (statements on them fail"
                            + " with SQLState 08007, reads are retried elsewhere)", node.name(), u.error(), aborted);
                } else {
                    log.warn("node {} does not answer: {}", node.name(), u.error());
                }
            }
            if (u.first() || aborted > 0) {
                listener.nodeUnreachable(node.name(), u.failure(), u.error(), aborted);
            }
        } else if (effect instanceof Effect.Answers a) {
            log.info("node {} answers again", name(a.node()));
        } else if (effect instanceof Effect.PrimaryChanged p) {
            String from = p.from() < 0 ? null : name(p.from());
            String to = p.to() < 0 ? null : name(p.to());
            log.info("primary changed: {} -> {}", from, to);
            listener.primaryChanged(from, to);
        } else if (effect instanceof Effect.Fenced f) {
            log.warn("node {} fenced: {}", name(f.node()), f.why());
            listener.nodeFenced(name(f.node()), f.cause(), f.why());
        } else if (effect instanceof Effect.Misconfigured m) {
            log.warn("node {} is configured as the primary but is a standby (pg_is_in_recovery() = true): it gets no"
                    + " traffic; check its URL, or give every node with node(...) to let the router discover roles",
                    name(m.node()));
            listener.nodeFenced(name(m.node()), FenceCause.MISCONFIGURED_PRIMARY,
                    "configured as the primary, but a standby (pg_is_in_recovery() = true)");
        } else if (effect instanceof Effect.Ejected e) {
            log.warn("replica {} out of rotation: {}", name(e.node()), e.why());
            listener.replicaEjected(name(e.node()), e.cause(), e.why());
        } else if (effect instanceof Effect.Readmitted r) {
            log.info("replica {} back in rotation (slow start {} ms)", name(r.node()), rules.slowStartNanos() / 1_000_000);
            listener.replicaReadmitted(name(r.node()));
        }
    }

    private String name(int index) {
        return nodes.get(index).name();
    }

    private List<NodeStatus> probeAll(long waitNanos) {
        // A probe still running from an earlier round (a node that hangs past its network timeout) is not
        // started again: a prober is used by one thread at a time, and the node counts as unreachable.
        for (int i = 0; i < probers.size(); i++) {
            Future<NodeStatus> previous = inFlight.get(i);
            if (previous == null || previous.isDone()) {
                inFlight.set(i, probePool.submit(probers.get(i)::probe));
            }
        }
        List<NodeStatus> statuses = new ArrayList<>();
        long deadline = System.nanoTime() + waitNanos + TimeUnit.MILLISECONDS.toNanos(500);
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
