package io.replicarouter;

/**
 * What a node is: configured as, or as the topology monitor last found it ({@code pg_is_in_recovery()}).
 * The router itself only ever gives a node {@link #PRIMARY} or {@link #REPLICA}; {@link #UNKNOWN} appears in a
 * {@link NodeSnapshot} when the monitor has not yet seen a node whose role it discovers, or when the snapshot is
 * {@linkplain TopologySnapshot#stale() stale}.
 */
public enum NodeRole {
    /** Takes the writes (out of recovery). */
    PRIMARY,
    /** A streaming standby (in recovery): serves reads. */
    REPLICA,
    /** Not known (see above). */
    UNKNOWN
}
