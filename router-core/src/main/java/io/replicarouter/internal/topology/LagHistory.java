package io.replicarouter.internal.topology;

/**
 * Recent (time, primary WAL position) samples, to turn a replica's replay position into a time lag that is
 * right on an idle primary: the replica lags by how long ago the primary first wrote past the replica's
 * replay position. {@code now() - pg_last_xact_replay_timestamp()} alone grows without bound while nothing is
 * written, and would eject healthy replicas of a quiet database.
 *
 * <p>A ring of the positions at which the primary's LSN changed. Immutable, so that the monitor's round stays a
 * pure function: {@link #record} returns a copy when the position changed (the ring is a few tens of KiB, copied
 * at most once per monitor round) and the same instance when it did not.
 */
public final class LagHistory {

    private final long[] times;
    private final long[] lsns;
    private final int size;
    private final int head; // index of the newest sample

    public LagHistory(int capacity) {
        this(new long[checked(capacity)], new long[capacity], 0, 0);
    }

    private LagHistory(long[] times, long[] lsns, int size, int head) {
        this.times = times;
        this.lsns = lsns;
        this.size = size;
        this.head = head;
    }

    private static int checked(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be >= 2, was " + capacity);
        }
        return capacity;
    }

    /** This history with the primary's position at {@code nanos}; only changes of position are kept. */
    public LagHistory record(long nanos, long primaryLsn) {
        if (size > 0 && Long.compareUnsigned(primaryLsn, lsns[head]) <= 0) {
            return this; // no new WAL (or a smaller value from a new primary's first sample): keep the first time seen
        }
        long[] t = times.clone();
        long[] l = lsns.clone();
        int h = size == 0 ? 0 : (head + 1) % t.length;
        t[h] = nanos;
        l[h] = primaryLsn;
        return new LagHistory(t, l, Math.min(size + 1, t.length), h);
    }

    /** An empty history of the same capacity (a new primary: positions of the old one mean nothing on its timeline). */
    public LagHistory clear() {
        return new LagHistory(times.length);
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
