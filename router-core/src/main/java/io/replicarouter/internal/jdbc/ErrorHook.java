package io.replicarouter.internal.jdbc;

import java.sql.SQLException;

/**
 * What a generated delegate ({@link RoutedResultSet}, {@link RoutedDatabaseMetaData},
 * {@link LogicalCallableStatement}) does with a driver error before it reaches the application: every one of
 * their methods that declares {@link SQLException} passes the driver's exception through {@link #translate}.
 */
@FunctionalInterface
interface ErrorHook {

    /** Returns the exception to throw instead of {@code e} (may be {@code e}); never null. */
    SQLException translate(SQLException e);

    /** Rethrows the driver's error unchanged. */
    ErrorHook NONE = e -> e;
}
