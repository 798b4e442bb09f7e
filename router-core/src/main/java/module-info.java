/**
 * Replica Router's core: a JDBC {@link javax.sql.DataSource} that sends writes to the PostgreSQL primary and reads
 * to streaming replicas, aware of replication lag, with read-your-writes by WAL position.
 *
 * <p>The API is the root package ({@code RoutingDataSource} and its builder, scopes, the topology snapshot, the
 * listener) and {@code io.replicarouter.balance} (the load-balancer SPI). Everything under
 * {@code io.replicarouter.internal} is the engine: not exported, free to change between releases.
 */
module io.replicarouter {
    requires transitive java.sql;
    requires transitive com.zaxxer.hikari;
    requires org.slf4j;

    exports io.replicarouter;
    exports io.replicarouter.balance;
}
