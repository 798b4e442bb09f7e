package io.replicarouter.internal.topology;

import io.replicarouter.EjectionCause;

/**
 * When a replica may serve reads, from its measured lag: ejected when it crosses {@code maxLag} or
 * {@code maxLagBytes}; readmitted only when it is back under half of both (hysteresis, so that a replica
 * hovering at the limit does not flap in and out of rotation).
 *
 * @param maxLagNanos  time limit, nanoseconds
 * @param maxLagBytes  byte limit
 */
public record LagPolicy(long maxLagNanos, long maxLagBytes) {

    public LagPolicy {
        if (maxLagNanos <= 0 || maxLagBytes <= 0) {
            throw new IllegalArgumentException("lag limits must be positive, were " + maxLagNanos + " ns and "
                    + maxLagBytes + " bytes");
        }
    }

    /** Whether a replica with this lag serves reads, given whether it does now. */
    public boolean eligible(boolean currentlyEligible, long lagNanos, long lagBytes) {
        if (currentlyEligible) {
            return lagNanos <= maxLagNanos && lagBytes <= maxLagBytes;
        }
        return lagNanos <= maxLagNanos / 2 && lagBytes <= maxLagBytes / 2;
    }

    /**
     * Which limit a replica in rotation with this lag passed ({@link #eligible} returned false for it): the time
     * limit when both are passed, {@code null} when neither is.
     */
    public EjectionCause exceeded(long lagNanos, long lagBytes) {
        if (lagNanos > maxLagNanos) {
            return EjectionCause.LAG_TIME;
        }
        return lagBytes > maxLagBytes ? EjectionCause.LAG_BYTES : null;
    }
}
