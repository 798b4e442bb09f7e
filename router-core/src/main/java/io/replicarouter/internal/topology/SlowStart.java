package io.replicarouter.internal.topology;

/** The share of reads a readmitted replica takes while it slow-starts: from 10 % rising linearly to all. */
final class SlowStart {

    /** The least share of a slow-starting replica. */
    static final double MIN_SHARE = 0.1;

    private SlowStart() {
    }

    /** The share (0.1..1] {@code elapsedNanos} after readmission, for a slow start of {@code lengthNanos}. */
    static double share(long elapsedNanos, long lengthNanos) {
        double elapsed = (double) elapsedNanos / Math.max(1, lengthNanos);
        return Math.max(MIN_SHARE, Math.min(1.0, elapsed));
    }
}
