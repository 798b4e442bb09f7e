package io.replicarouter.consistency;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest WAL position of the primary this data source has seen: from the monitor's samples and from
 * every position a scope asked the primary for. Lets a token be checked ("not beyond the primary") without a
 * round trip in the common case. Thread-safe, lock-free.
 */
public final class PrimaryPosition {

    private final AtomicLong lsn = new AtomicLong();

    /** Raises the position (unsigned); never lowers it. */
    public void observe(long position) {
        lsn.accumulateAndGet(position, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }

    /** Forgets it (a new primary after a failover: positions compare only within one history). */
    public void reset() {
        lsn.set(0);
    }

    public long get() {
        return lsn.get();
    }
}
