package io.replicarouter.bench.peers;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.IntSupplier;

/** A peer made of a read path and a write path, with nothing around the unit of work. */
final class SimplePeer implements Peer {

    /** Where a connection comes from. */
    @FunctionalInterface
    interface Source {
        Connection get() throws SQLException;
    }

    private final Source reader;
    private final Source writer;
    private final boolean readOnlyForReads;
    private final List<IntSupplier> poolSizes;
    private final AutoCloseable[] closeables;

    SimplePeer(Source reader, Source writer, boolean readOnlyForReads, List<IntSupplier> poolSizes,
               AutoCloseable... closeables) {
        this.reader = reader;
        this.writer = writer;
        this.readOnlyForReads = readOnlyForReads;
        this.poolSizes = List.copyOf(poolSizes);
        this.closeables = closeables;
    }

    @Override
    public Connection reader() throws SQLException {
        Connection c = reader.get();
        if (readOnlyForReads) {
            try {
                c.setReadOnly(true);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    @Override
    public Connection writer() throws SQLException {
        return writer.get();
    }

    @Override
    public List<IntSupplier> poolSizes() {
        return poolSizes;
    }

    @Override
    public void close() {
        Pools.closeAll(closeables);
    }
}
