package io.replicarouter.internal.topology;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest WAL position of the primary this data source has seen: from the monitor's samples and from
 * every position a scope asked the primary for, with when it was last asked. Lets a token be checked ("not
 * beyond the primary") without a round trip in the common case, and bounds the round trips a flood of tokens
 * ahead of it can cost: at most one shared question per interval. Thread-safe, lock-free.
 */
public final class PrimaryPosition {

    private final AtomicLong lsn = new AtomicLong();
    private final AtomicLong lastAsk = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
    private volatile long observedAt;

    /** Raises the position (unsigned); never lowers it. {@code askedAt}: System.nanoTime() of the question. */
    public void observe(long position, long askedAt) {
        lsn.accumulateAndGet(position, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
        if (askedAt - observedAt > 0) {
            observedAt = askedAt;
        }
    }

    /** Forgets it (a new primary after a failover: positions compare only within one history). */
    public void reset() {
        lsn.set(0);
    }

    public long get() {
        return lsn.get();
    }

    /** When the newest answer was asked for (System.nanoTime); it is at least {@link #get()} since then. */
    public long observedAt() {
        return observedAt;
    }

    /**
     * Claims the one question of the primary's position allowed per {@code intervalNanos}: true for at most one
     * caller per interval, however many ask.
     */
    public boolean claimAsk(long now, long intervalNanos) {
        long last = lastAsk.get();
        return now - last >= intervalNanos && lastAsk.compareAndSet(last, now);
    }
}
