package io.replicarouter.bench.peers;

import java.util.Objects;

/**
 * One contender of the side-by-side run.
 *
 * @param name   short stable name (report rows, command-line selection)
 * @param label  what it is, for the report
 * @param opener builds it over the cluster's nodes
 */
public record Contender(String name, String label, Opener opener) {

    /** Builds a contender over the nodes. */
    @FunctionalInterface
    public interface Opener {
        Peer open(Nodes nodes) throws Exception;
    }

    public Contender {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(opener, "opener");
    }

    public Peer open(Nodes nodes) throws Exception {
        return opener.open(nodes);
    }
}
