package io.replicarouter.sample.dashboard;

import java.util.List;
import java.util.Map;

/**
 * One second of the dashboard: every node as the router sees it, and the cumulative counters (the page turns
 * them into rates).
 *
 * @param seq increasing from 1; a client asks for the samples after the last one it has
 * @param counters cumulative since start: router meters ({@code ejections}, {@code fallbacks}, ...), the token
 *                 filter's, the jobs', the load generator's
 */
public record Sample(long seq, long epochMillis, String primary, List<Node> nodes, Map<String, Long> counters,
                     LoadGenerator.Status load) {

    /** A node at the sample's time. {@code statementsPerSecond} over the last second. */
    public record Node(String name, String role, String state, boolean serving, long lagMs, long lagBytes,
                       double statementsPerSecond, int poolActive, String lastError) {
    }
}
