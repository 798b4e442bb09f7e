package io.replicarouter;

/**
 * While open, every statement the current thread runs through the data source that opened it (or through any
 * member of the {@link RoutingGroup} that opened it) goes to the primary (reason {@link RouteReason#FORCED}).
 * Scopes nest; close each one, best with try-with-resources:
 * <pre>{@code
 * try (PrimaryScope scope = dataSource.forcePrimary()) {
 *     // reads here see everything committed on the primary
 * }
 * }</pre>
 * A scope belongs to the thread that opened it; nothing of it outlives {@link #close()}, so it cannot leak into
 * a later request served by the same thread.
 */
public final class PrimaryScope implements AutoCloseable {

    private final Runnable exit;
    private boolean closed;

    /** @param exit what closing it undoes (once): one data source's force-primary depth, or a group's */
    PrimaryScope(Runnable exit) {
        this.exit = exit;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            exit.run();
        }
    }
}
