package io.replicarouter.bench.workload;

import io.replicarouter.bench.peers.Nodes;
import io.replicarouter.bench.peers.Peer;

import java.sql.SQLException;

/** What the workers of a phase do: one operation source per thread. */
public interface Workload {

    /** A short name for the report ({@code A}, {@code B healthy}, ...). */
    String name();

    /** The operation that thread {@code thread} of {@code threads} repeats. */
    Op newOp(Peer peer, Nodes nodes, int thread, int threads);

    /** One operation; records what it saw in the tally; a failure or a wrong value throws. */
    @FunctionalInterface
    interface Op {
        void run(Tally tally) throws SQLException;
    }
}
