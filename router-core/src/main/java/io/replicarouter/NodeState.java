package io.replicarouter;

/**
 * What a node does for the router now, as a {@link NodeSnapshot} reports it. One state per node, the first
 * that applies in this order: {@link #UNKNOWN} (stale snapshot), {@link #UNREACHABLE}, {@link #FENCED},
 * {@link #DOWN}, {@link #DRAINED}, then for a replica {@link #LAGGING}, {@link #SLOW_START} or {@link #SERVING}.
 */
public enum NodeState {
    /** Takes its role's traffic: writes for the primary, a full share of reads for a replica. */
    SERVING(true),
    /** A replica back in rotation that takes a rising share of reads (see {@code slowStart}). */
    SLOW_START(true),
    /** A replica that answers but lags beyond {@code maxLag} or {@code maxLagBytes}: no reads until it is back
     * under half of both. */
    LAGGING(false),
    /** The monitor's probe got no answer, or was refused ({@link NodeSnapshot#lastError()} says which). */
    UNREACHABLE(false),
    /** No traffic at all: a second primary on a lower timeline, a node of another cluster, or a node configured
     * as the primary that is a standby (its URL points at the wrong server); the reason is in
     * {@link NodeSnapshot#lastError()}. */
    FENCED(false),
    /** A statement failed on it with a connection error: no traffic for {@code nodeDownCoolDown}, then tried again. */
    DOWN(false),
    /** Drained by {@link RoutingDataSource#drain(String)}: no new reads. */
    DRAINED(false),
    /** Not known: the monitor has not seen the node yet, or the snapshot is {@linkplain TopologySnapshot#stale() stale}. */
    UNKNOWN(false);

    private final boolean takesTraffic;

    NodeState(boolean takesTraffic) {
        this.takesTraffic = takesTraffic;
    }

    /** Whether a node in this state gets new statements of its role (SERVING, SLOW_START). */
    public boolean takesTraffic() {
        return takesTraffic;
    }
}
