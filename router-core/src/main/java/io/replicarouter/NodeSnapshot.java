package io.replicarouter;

import java.time.Duration;
import java.time.Instant;

/**
 * One node as the router saw it, part of a {@link TopologySnapshot}. Stable names, plain values: made to be
 * shown (health, an admin endpoint) and measured (gauges).
 *
 * @param name        the node's configured name
 * @param role        what the node last said it is ({@code pg_is_in_recovery()}), as configured with the
 *                    monitor off; UNKNOWN before it answered once and in a stale snapshot
 * @param state       what it does for the router now
 * @param lag         a replica's time lag as last measured (ZERO for the primary); {@code null} when not measured
 *                    (monitor off, node unreachable or not a standby)
 * @param lagBytes    a replica's lag in bytes of WAL as last measured (0 for the primary); -1 when not measured
 * @param position    the WAL position the node has reached, in PostgreSQL's text form ({@code 0/3000060}): a
 *                    replica's replay position, the primary's write position; {@code null} when unknown. Text, as
 *                    {@code pg_lsn} prints it, because that is what operators compare with {@code psql}; it only
 *                    moves forward on a timeline, so an old value is a lower bound
 * @param observedAt  when the monitor last probed the node (wall clock), or when this snapshot was built with the
 *                    monitor off; {@code null} before the first probe
 * @param lastError   why the node is not serving (the probe's error, the fence reason, the failure that marked it
 *                    down), without credentials; {@code null} when there is none
 * @param weight      the configured weight (1 unless given)
 * @param outstanding physical connections the router has borrowed from the node now: counted exactly when the
 *                    balancer tracks load (least-outstanding, power-of-two-choices, a custom one), else the active
 *                    connections of the pool the router created; -1 for a DataSource given to the router whose
 *                    load it does not count
 * @param url         the node's JDBC URL, <b>redacted</b>: user info ({@code user:password@}) shown as {@code ***@},
 *                    {@code password}, {@code user} and other credential parameters as {@code ***}; safe to show
 *                    in health output or logs. The URL its pool uses (after any pool customizer); {@code null} for
 *                    a DataSource given to the router that is not a HikariDataSource with a URL
 * @param drained     whether an operator {@link RoutingDataSource#drain drained} it: true until undrained, also
 *                    while its {@code state} shows something more urgent (DOWN, UNREACHABLE, FENCED)
 * @param fenceCause  why it is fenced, {@code null} when it is not (the detail text is in {@code lastError})
 */
public record NodeSnapshot(String name, NodeRole role, NodeState state, Duration lag, long lagBytes, String position,
                           Instant observedAt, String lastError, int weight, int outstanding, String url,
                           boolean drained, FenceCause fenceCause) {

    /** Whether the node gets new statements of its role now (see {@link NodeState#takesTraffic()}). */
    public boolean takesTraffic() {
        return state.takesTraffic();
    }
}
