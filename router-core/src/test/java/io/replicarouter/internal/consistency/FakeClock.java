package io.replicarouter.internal.consistency;

/** A clock that moves only when told to, or when a caller parks (by the time it parks). */
final class FakeClock implements NanoClock {

    long now = 1_000_000_000L;
    int parks;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void park(long nanos) {
        parks++;
        now += nanos;
    }

    void advance(long nanos) {
        now += nanos;
    }
}
