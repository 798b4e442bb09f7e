package io.replicarouter.bench.peers;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A contender once built: how an application reads and writes through it, the way its documentation shows.
 * Closing it closes every pool it made.
 */
public interface Peer extends AutoCloseable {

    /**
     * A connection for an autocommit read, set up the way this contender's users do it (for Spring's
     * {@code LazyConnectionDataSourceProxy} and the AWS wrapper that is {@code setReadOnly(true)}, which is what
     * {@code @Transactional(readOnly = true)} does; the others need nothing).
     */
    Connection reader() throws SQLException;

    /** A connection for an autocommit write. */
    Connection writer() throws SQLException;

    /**
     * Starts one user's unit of work (a request): for Replica Router a consistency scope resumed from the
     * user's token ({@code null} for a new user); for the peers, which have no such notion, nothing.
     */
    default Unit begin(String token) throws SQLException {
        return Unit.NONE;
    }

    /** The current sizes of the pools this contender made (to wait until every one is full). */
    List<IntSupplier> poolSizes();

    @Override
    void close();

    /** One user's unit of work. */
    interface Unit extends AutoCloseable {

        Unit NONE = new Unit() {
            @Override
            public String token() {
                return null;
            }

            @Override
            public void close() {
            }
        };

        /** The token to resume the user's next unit of work with ({@code null} when the contender has none). */
        String token() throws SQLException;

        @Override
        void close();
    }
}
