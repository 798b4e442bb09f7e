package io.replicarouter.internal.consistency;

import java.util.concurrent.locks.LockSupport;

/**
 * Time as the consistency logic sees it: {@link System#nanoTime()} and a pause. Injected so that the wait for a
 * replica and the token rules can be tested with a fake clock, without sleeping (after the AWS JDBC wrapper's
 * {@code NanoTimeSource}). Every time compared with a node's samples or a scope's writes must come from the
 * same source as they do: {@link #SYSTEM} in production.
 */
public interface NanoClock {

    /** {@link System#nanoTime()} and {@link LockSupport#parkNanos(long)}. */
    NanoClock SYSTEM = new NanoClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void park(long nanos) {
            LockSupport.parkNanos(nanos);
        }
    };

    long nanoTime();

    /** Pauses the calling thread for about {@code nanos} (may return early, e.g. when interrupted). */
    void park(long nanos);
}
