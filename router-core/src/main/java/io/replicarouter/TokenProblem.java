package io.replicarouter;

/**
 * Why a consistency token (or a position given to {@link RoutingDataSource#resumeAt(long)}) was ignored
 * ({@link RoutingListener#tokenIgnored}): one of a few constants, so a metric can take it as a tag; the event's
 * detail string says more. An ignored token never causes an error, a wait or a primary read.
 */
public enum TokenProblem {
    /** Not a token of this format: not version 1, or an entry that is not {@code <systemId>-<lsn>} in hex. */
    MALFORMED("malformed"),
    /** Longer than 2048 characters, or positions of more than 64 clusters. */
    TOO_LARGE("too_large"),
    /** A secret is configured and the token carries no signature. */
    UNSIGNED("unsigned"),
    /** The signature does not match (tampered, or signed with another secret). */
    BAD_SIGNATURE("bad_signature"),
    /** The token is signed but no secret is configured here (instances configured differently). */
    UNEXPECTED_SIGNATURE("unexpected_signature"),
    /** The token has no position for this data source's cluster (its positions of other clusters are kept). */
    OTHER_CLUSTER("other_cluster"),
    /**
     * The position lies beyond what the primary can have written since its newest position seen here: ignored
     * without asking the primary.
     */
    FAR_BEYOND_PRIMARY("far_beyond_primary"),
    /**
     * The position lies beyond the primary's current one as asked: at once, or later for a position adopted
     * unverified until a position of the primary asked after it arrived settled it.
     */
    BEYOND_PRIMARY("beyond_primary");

    private final String tag;

    TokenProblem(String tag) {
        this.tag = tag;
    }

    /** A stable lower-case name for metric tags, e.g. {@code "bad_signature"}. */
    public String tag() {
        return tag;
    }
}
