package io.replicarouter.internal.topology;

import io.replicarouter.FenceCause;
import io.replicarouter.EjectionCause;
import io.replicarouter.NodeRole;

import java.util.ArrayList;
import java.util.List;

/**
 * One monitor round as a pure function: (previous state, probe results, now) → (next state, effects). No I/O,
 * no clock, no logging: ejection past the lag limits, readmission under half of both (hysteresis), slow start,
 * unreachable nodes, fencing, a misconfigured primary and the log-once rule are all decided here and unit-tested
 * as table rows; {@link TopologyMonitor} probes, calls {@link #next} and applies what it returns.
 */
public final class RoundRules {

    /** What a round returns. */
    public record Round(MonitorState state, List<Effect> effects) {
        public Round {
            effects = List.copyOf(effects);
        }
    }

    private final List<String> names;
    private final int configuredPrimary;
    private final LagPolicy lagPolicy;
    private final long slowStartNanos;

    /**
     * @param names             node names, by index
     * @param configuredPrimary index of the node configured as the primary, -1 when roles are discovered
     * @param lagPolicy         the lag limits
     * @param slowStartNanos    length of a slow start (at least 1)
     */
    public RoundRules(List<String> names, int configuredPrimary, LagPolicy lagPolicy, long slowStartNanos) {
        this.names = List.copyOf(names);
        this.configuredPrimary = configuredPrimary;
        this.lagPolicy = lagPolicy;
        this.slowStartNanos = Math.max(1, slowStartNanos);
    }

    public long slowStartNanos() {
        return slowStartNanos;
    }

    /** The state before the first round: the configured roles, every node in rotation. */
    public MonitorState initial(List<NodeRole> roles) {
        List<NodeView> views = new ArrayList<>();
        for (NodeRole role : roles) {
            views.add(NodeView.initial(role));
        }
        return new MonitorState(configuredPrimary, views, new LagHistory(4096), 0, null, 0);
    }

    /** The next state and what to do, from one probe per node (by index) taken at about {@code now}. */
    public Round next(MonitorState prev, List<NodeStatus> statuses, long now) {
        int n = names.size();
        List<Effect> effects = new ArrayList<>();
        Draft[] d = new Draft[n];
        for (int i = 0; i < n; i++) {
            d[i] = new Draft(prev.node(i));
            reachability(i, d[i], statuses.get(i), now, effects);
        }
        RoleResolver.Roles roles = RoleResolver.resolve(statuses, prev.primary());
        int primary = roles.primary();
        if (primary >= 0) {
            d[primary].everPrimary = true;
        }
        if (configuredPrimary >= 0) {
            NodeStatus s = statuses.get(configuredPrimary);
            boolean wrong = s.reachable() && s.inRecovery() && !d[configuredPrimary].everPrimary;
            if (wrong && !d[configuredPrimary].misconfigured) {
                effects.add(new Effect.Misconfigured(configuredPrimary));
            }
            d[configuredPrimary].misconfigured = wrong;
        }
        LagHistory history = prev.history();
        if (primary != prev.primary()) {
            Effect.PrimaryChanged change = new Effect.PrimaryChanged(prev.primary(), primary);
            if (change.newTimeline()) {
                history = history.clear(); // positions of the old timeline
            }
            effects.add(change);
        }
        for (int i = 0; i < n; i++) {
            int k = roles.fenced().indexOf(i);
            String why = k >= 0 ? roles.reasons().get(k) : null;
            if (why != null && !d[i].fenced()) {
                effects.add(new Effect.Fenced(i, roles.causes().get(k), why));
            }
            d[i].fenceReason = why;
            d[i].fenceCause = why != null ? roles.causes().get(k) : null;
        }
        long systemId = prev.systemId();
        if (primary >= 0) {
            NodeStatus ps = statuses.get(primary);
            d[primary].role = NodeRole.PRIMARY;
            history = history.record(ps.observedAt(), ps.currentLsn());
            if (ps.systemId() != 0) {
                systemId = ps.systemId();
            }
        }
        for (int i = 0; i < n; i++) {
            if (i != primary) {
                eligibility(i, d[i], statuses.get(i), history, now, effects);
            }
        }
        List<NodeView> views = new ArrayList<>(n);
        for (Draft draft : d) {
            views.add(draft.view());
        }
        String noPrimary = primary < 0 ? noPrimaryReason(statuses, d) : null;
        return new Round(new MonitorState(primary, views, history, systemId, noPrimary, now), effects);
    }

    /** Whether the node answered; a failed probe is logged once per distinct error. */
    private static void reachability(int i, Draft d, NodeStatus s, long now, List<Effect> effects) {
        d.observedAt = s.observedAt();
        d.sampled = false;
        if (s.reachable()) {
            d.seenAs = s.inRecovery() ? NodeRole.REPLICA : NodeRole.PRIMARY;
            d.unreachable = null;
            if (d.loggedError != null) {
                d.loggedError = null;
                effects.add(new Effect.Answers(i));
            }
            d.lsn = s.inRecovery() ? s.replayLsn() : s.currentLsn();
            return;
        }
        Node.Unreachable was = d.unreachable;
        d.unreachable = new Node.Unreachable(s.error(), was == null ? now : was.since(), s.hung());
        boolean log = !s.error().equals(d.loggedError);
        if (log) {
            d.loggedError = s.error();
        }
        effects.add(new Effect.Unreachable(i, s.error(), s.hung(), was == null, log));
    }

    /** Whether a node other than the primary serves reads: in recovery, reachable, not fenced, lag within limits. */
    private void eligibility(int i, Draft d, NodeStatus s, LagHistory history, long now, List<Effect> effects) {
        boolean serves = s.reachable() && s.inRecovery() && !d.fenced() && !d.misconfigured;
        if (serves) {
            d.role = NodeRole.REPLICA;
            d.sampled = true;
            d.lagBytes = Math.max(0, history.latestLsn() - s.replayLsn());
            d.lagNanos = history.lagNanos(now, s.replayLsn());
            serves = lagPolicy.eligible(d.eligible, d.lagNanos, d.lagBytes);
            if (!serves && d.eligible) {
                d.eligible = false;
                effects.add(new Effect.Ejected(i, lagPolicy.exceeded(d.lagNanos, d.lagBytes),
                        "lag " + d.lagNanos / 1_000_000 + " ms / " + d.lagBytes + " bytes"));
            }
        } else if (d.eligible && d.role == NodeRole.REPLICA) {
            d.eligible = false;
            String why = !s.reachable() ? "unreachable: " + s.error() : d.fenced() ? "fenced"
                    : d.misconfigured ? "configured as the primary, but a standby" : "not in recovery";
            // Reachable but not serving: fenced, misconfigured, or out of recovery without being the primary (which
            // RoleResolver fences): each means it is no longer a standby to read from.
            effects.add(new Effect.Ejected(i, s.reachable() ? EjectionCause.FENCED : EjectionCause.UNREACHABLE, why));
        } else {
            d.eligible = false; // a (former) primary: never in rotation until it is a replica
        }
        if (serves && !d.eligible) {
            d.eligible = true;
            d.readmittedAt = now;
            effects.add(new Effect.Readmitted(i));
        }
    }

    /** What the nodes answered, for the error a write gets while there is no primary. */
    private String noPrimaryReason(List<NodeStatus> statuses, Draft[] d) {
        StringBuilder sb = new StringBuilder("no node answers as primary: ");
        for (int i = 0; i < names.size(); i++) {
            NodeStatus s = statuses.get(i);
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(names.get(i)).append(' ');
            if (!s.reachable()) {
                sb.append("does not answer: ").append(s.error());
            } else if (d[i].misconfigured) {
                sb.append("is configured as the primary but is a standby (check its URL)");
            } else if (d[i].fenced()) {
                sb.append("is fenced");
            } else {
                sb.append(s.inRecovery() ? "is a standby" : "claims primary");
            }
        }
        return sb.toString();
    }

    /** A {@link NodeView} being worked on during one round. */
    private static final class Draft {
        NodeRole role;
        NodeRole seenAs;
        Node.Unreachable unreachable;
        String loggedError;
        String fenceReason;
        FenceCause fenceCause;
        boolean misconfigured;
        boolean everPrimary;
        boolean eligible;
        long readmittedAt;
        long lagNanos;
        long lagBytes;
        long lsn;
        long observedAt;
        boolean sampled;

        Draft(NodeView v) {
            role = v.role();
            seenAs = v.seenAs();
            unreachable = v.unreachable();
            loggedError = v.loggedError();
            fenceReason = v.fenceReason();
            fenceCause = v.fenced() ? v.fenceCause() : null;
            misconfigured = v.misconfigured();
            everPrimary = v.everPrimary();
            eligible = v.eligible();
            readmittedAt = v.readmittedAt();
            lagNanos = v.lagNanos();
            lagBytes = v.lagBytes();
            lsn = v.lsn();
            observedAt = v.observedAt();
            sampled = v.sampled();
        }

        boolean fenced() {
            return fenceReason != null;
        }

        NodeView view() {
            return new NodeView(role, seenAs, unreachable, loggedError, fenceReason, misconfigured, everPrimary,
                    eligible, readmittedAt, lagNanos, lagBytes, lsn, observedAt, sampled,
                    fenceReason != null ? fenceCause : misconfigured ? FenceCause.MISCONFIGURED_PRIMARY : null);
        }
    }
}
