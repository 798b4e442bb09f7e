package io.replicarouter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Per-thread force-primary depth. While no scope is open anywhere, {@link #getAsBoolean()} is one volatile
 * read: the thread-local is consulted only when some thread has a scope open.
 */
final class ForcedPrimary implements BooleanSupplier {

    private final AtomicInteger openScopes = new AtomicInteger();
    private final ThreadLocal<int[]> depth = new ThreadLocal<>();

    PrimaryScope enter() {
        int[] d = depth.get();
        if (d == null) {
            d = new int[1];
            depth.set(d);
        }
        d[0]++;
        openScopes.incrementAndGet();
        return new PrimaryScope(this::exit);
    }

    void exit() {
        int[] d = depth.get();
        if (d == null) {
            return;
        }
        if (d[0] > 0) {
            d[0]--;
            openScopes.decrementAndGet();
        }
        if (d[0] == 0) {
            depth.remove();
        }
    }

    @Override
    public boolean getAsBoolean() {
        if (openScopes.get() == 0) {
            return false;
        }
        int[] d = depth.get();
        return d != null && d[0] > 0;
    }
}
