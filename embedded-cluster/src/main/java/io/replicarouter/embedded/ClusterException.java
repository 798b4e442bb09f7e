package io.replicarouter.embedded;

/**
 * A cluster could not be started, changed or inspected. The message names the node and, where a server
 * failed, ends with the last lines of its log.
 */
public class ClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
