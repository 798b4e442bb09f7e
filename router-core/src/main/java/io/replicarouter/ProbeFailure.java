package io.replicarouter;

/**
 * How the monitor's probe of a node failed ({@link RoutingListener#nodeUnreachable}): one of two constants, so a
 * metric can take it as a tag; the event's detail string is the driver's message.
 */
public enum ProbeFailure {
    /**
     * No answer: the probe timed out, could not connect, or lost its connection (SQLState class 08, or none).
     * The node may be hung, so its open connections are aborted.
     */
    NO_ANSWER("no_answer"),
    /**
     * The server answered with an error (authentication failed, too many connections, starting up): it is alive
     * but does not serve the monitor. Its connections are left alone.
     */
    SERVER_ERROR("server_error");

    private final String tag;

    ProbeFailure(String tag) {
        this.tag = tag;
    }

    /** A stable lower-case name for metric tags, e.g. {@code "no_answer"}. */
    public String tag() {
        return tag;
    }
}
