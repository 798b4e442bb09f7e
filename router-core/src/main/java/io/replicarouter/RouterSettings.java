package io.replicarouter;

import java.time.Duration;

/**
 * The settings a {@link RoutingDataSource} runs with, as {@link RoutingDataSourceBuilder#build()} accepted them
 * (defaults filled in): for an admin endpoint to show, or a framework's start-up checks to compare with its own
 * settings without knowing the builder's defaults. Holds no secret: of the token secret only whether there is one.
 *
 * @param consistency        the default consistency of reads without a scope
 * @param maxLag             a replica lagging more than this (time) serves no reads
 * @param maxLagBytes        a replica lagging more than this many bytes of WAL serves no reads
 *                           ({@link Long#MAX_VALUE} = no byte limit)
 * @param maxWaitForReplica  how long a read may wait for a replica to replay its scope's writes
 * @param monitorInterval    how often the monitor probes the nodes; {@link Duration#ZERO} = no monitor
 * @param probeTimeout       how long one probe may take
 * @param noReplicaPolicy    what a read does when no replica is eligible
 * @param slowStart          how long a readmitted replica takes to reach its full share
 * @param nodeDownCoolDown   how long a failed node gets no traffic
 * @param poolSize           the maximum size of each pool the router creates (before pool customizers)
 * @param balancer           the built-in balancer's name as given ({@code round-robin}), or the class name of a
 *                           balancer object
 * @param tokensSigned       whether consistency tokens are signed (a token secret is set)
 */
public record RouterSettings(Consistency consistency, Duration maxLag, long maxLagBytes, Duration maxWaitForReplica,
                             Duration monitorInterval, Duration probeTimeout, NoReplicaPolicy noReplicaPolicy,
                             Duration slowStart, Duration nodeDownCoolDown, int poolSize, String balancer,
                             boolean tokensSigned) {
}
