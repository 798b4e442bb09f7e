package io.replicarouter.internal.routing;

/**
 * What a read needs of a replica beyond being eligible.
 *
 * @param minLsn            the replica must have replayed this WAL position (unsigned; 0 = no requirement)
 * @param maxStalenessNanos the replica's measured lag must not exceed this
 */
public record ReadRequirement(long minLsn, long maxStalenessNanos) {

    /** Any eligible replica. */
    public static final ReadRequirement NONE = new ReadRequirement(0, Long.MAX_VALUE);

    /** Whether {@code replica}, as last measured, meets the requirement. */
    public boolean metBy(io.replicarouter.internal.topology.Node replica) {
        return (minLsn == 0 || Long.compareUnsigned(replica.replayLsn(), minLsn) >= 0)
                && replica.lagNanos() <= maxStalenessNanos;
    }
}
