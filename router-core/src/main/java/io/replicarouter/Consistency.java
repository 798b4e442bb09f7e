package io.replicarouter;

/** What a read may see, per data source and per {@link ConsistencyScope}. */
public enum Consistency {
    /** Any eligible replica (within the lag limits): fastest, may not show the scope's own writes. */
    EVENTUAL,
    /**
     * The scope's own writes are visible: a read uses only a replica that has replayed the primary's WAL
     * position after the scope's last write (else waits up to the bound, else the primary). The default.
     */
    READ_YOUR_WRITES,
    /** {@link #READ_YOUR_WRITES}, and reads never go back in time (never a replica behind an earlier read). */
    MONOTONIC,
    /** Every read on the primary. */
    STRONG
}
