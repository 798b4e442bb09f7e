package io.replicarouter.topology;

/**
 * Recent (time, primary WAL position) samples, to turn a replica's replay position into a time lag that is
 * right on an idle primary: the replica lags by how long ago the primary first wrote past the replica's
 * replay position. {@code now() - pg_last_xact_replay_timestamp()} alone grows without bound while nothing is
 * written, and would eject healthy replicas of a quiet database.
 *
 * <p>A ring of the positions at which the primary's LSN changed; written by the monitor thread only, read by
 * it too (the lag it computes is published through volatile fields of {@link Node}).
 */
public final class LagHistory {

    private final long[] times;
    private final long[] lsns;
    private int size;
    private int head; // index of the newest sample

    public LagHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be >= 2, was " + capacity);
        }
        times = new long[capacity];
        lsns = new long[capacity];
    }

    /** Records the primary's position at {@code nanos}; only changes of position are kept. */
    public void record(long nanos, long primaryLsn) {
        if (size > 0 && Long.compareUnsigned(primaryLsn, lsns[head]) <= 0) {
            return; // no new WAL (or a smaller value from a new primary's first sample): keep the first time seen
        }
        head = size == 0 ? 0 : (head + 1) % times.length;
        times[head] = nanos;
        lsns[head] = primaryLsn;
        size = Math.min(size + 1, times.length);
    }

    /** Forgets everything (a new primary: positions of the old one mean nothing on the new timeline). */
    public void clear() {
        size = 0;
        head = 0;
    }

    /** The newest primary position, or 0 when none was recorded. */
    public long latestLsn() {
        return size == 0 ? 0 : lsns[head];
    }

    /**
     * How long a replica at {@code replayLsn} lags at {@code now}: 0 when it has replayed the newest sample;
     * else the age of the oldest sample past its position (the first write it has not seen). When it is
     * behind every sample kept, the age of the oldest one (a lower bound).
     */
    public long lagNanos(long now, long replayLsn) {
        if (size == 0 || Long.compareUnsigned(replayLsn, lsns[head]) >= 0) {
            return 0;
        }
        // Walk from newest to oldest: find the oldest sample whose position is past replayLsn.
        long firstUnseen = times[head];
        for (int k = 0; k < size; k++) {
            int i = Math.floorMod(head - k, times.length);
            if (Long.compareUnsigned(lsns[i], replayLsn) > 0) {
                firstUnseen = times[i];
            } else {
                break;
            }
        }
        return Math.max(0, now - firstUnseen);
    }
}
