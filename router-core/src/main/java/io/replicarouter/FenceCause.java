package io.replicarouter;

/**
 * Why a node gets no traffic at all ({@link RoutingListener#nodeFenced}): one of a few constants, so a metric can
 * take it as a tag; the event's detail string names the timelines or system identifiers.
 */
public enum FenceCause {
    /**
     * It also claims to be the primary (out of recovery) and lost: it is on a lower timeline than the primary, or
     * on the same one while the primary kept its role (split brain after a failover).
     */
    SECOND_PRIMARY("second_primary"),
    /** Its system identifier differs from the primary's: it belongs to another cluster (a wrong URL). */
    OTHER_CLUSTER("other_cluster"),
    /**
     * The node configured as the primary is a standby that never was the primary here: its URL points at the
     * wrong server. Give every node with {@code node(...)} to let the router discover roles.
     */
    MISCONFIGURED_PRIMARY("misconfigured_primary");

    private final String tag;

    FenceCause(String tag) {
        this.tag = tag;
    }

    /** A stable lower-case name for metric tags, e.g. {@code "second_primary"}. */
    public String tag() {
        return tag;
    }
}
