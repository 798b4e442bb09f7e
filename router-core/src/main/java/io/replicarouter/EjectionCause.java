package io.replicarouter;

/**
 * Why the monitor took a replica out of read rotation ({@link RoutingListener#replicaEjected}): one of a few
 * constants, so a metric can take it as a tag; the event's detail string says the figures.
 */
public enum EjectionCause {
    /**
     * Its time lag passed {@code maxLag}. When both limits are passed in the same round this one is reported:
     * time is what a reader's staleness is measured in.
     */
    LAG_TIME("lag_time"),
    /** Its byte lag passed {@code maxLagBytes} while its time lag was within {@code maxLag}. */
    LAG_BYTES("lag_bytes"),
    /** The monitor's probe got no answer or was refused (see {@link RoutingListener#nodeUnreachable}). */
    UNREACHABLE("unreachable"),
    /**
     * It answers but is no longer a standby the router may read from: fenced (see {@link RoutingListener#nodeFenced}:
     * it claims to be a primary and lost, or belongs to another cluster), or the node configured as the primary.
     */
    FENCED("fenced");

    private final String tag;

    EjectionCause(String tag) {
        this.tag = tag;
    }

    /** A stable lower-case name for metric tags, e.g. {@code "lag_bytes"}. */
    public String tag() {
        return tag;
    }
}
