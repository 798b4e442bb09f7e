package io.replicarouter.internal.jdbc;

import io.replicarouter.internal.sql.Classification;

import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A prepared statement of a {@link LogicalConnection}. The SQL is classified once; parameters are recorded and
 * applied at execution on the physical prepared statement of the node the execution is routed to.
 */
final class LogicalPreparedStatement extends RecordingPreparedStatement {

    /** {@code Connection.prepareStatement(sql)}, the common case, as a constant. */
    static final Factory PREPARE = Connection::prepareStatement;

    private static final Exec<ResultSet> QUERY = (self, s, sql) -> self.wrap(prepared(self, s).executeQuery());
    private static final Exec<Integer> UPDATE = (self, s, sql) -> prepared(self, s).executeUpdate();
    private static final Exec<Long> LARGE_UPDATE = (self, s, sql) -> prepared(self, s).executeLargeUpdate();
    private static final Exec<Boolean> EXECUTE = (self, s, sql) -> prepared(self, s).execute();

    private final Classification classification;
    private List<Object[]> batch;

    LogicalPreparedStatement(LogicalConnection conn, String sql, Factory factory) {
        super(conn, sql, factory);
        this.classification = classify(sql);
    }

    @Override
    boolean retryAllowed() {
        return !params.hasStreams();
    }

    /** The physical statement with this statement's parameters applied. */
    private static PreparedStatement prepared(LogicalStatement self, java.sql.Statement physical) throws SQLException {
        PreparedStatement ps = (PreparedStatement) physical;
        ((LogicalPreparedStatement) self).params.applyTo(ps);
        return ps;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return execute(classification, null, QUERY);
    }

    @Override
    public int executeUpdate() throws SQLException {
        return execute(classification, null, UPDATE);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return execute(classification, null, LARGE_UPDATE);
    }

    @Override
    public boolean execute() throws SQLException {
        return execute(classification, null, EXECUTE);
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        if (batch == null) {
            batch = new ArrayList<>();
        }
        batch.add(params.snapshot());
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch = null;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        List<Object[]> entries = takeBatch();
        return execute(BATCH, null, (self, s, q) -> fill((PreparedStatement) s, entries).executeBatch());
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        List<Object[]> entries = takeBatch();
        return execute(BATCH, null, (self, s, q) -> fill((PreparedStatement) s, entries).executeLargeBatch());
    }

    private List<Object[]> takeBatch() {
        List<Object[]> entries = batch == null ? List.of() : batch;
        batch = null;
        return entries;
    }

    /** Adds each batch entry to {@code ps}: its parameters alone (the statement is cleared first), then addBatch. */
    static PreparedStatement fill(PreparedStatement ps, List<Object[]> entries) throws SQLException {
        for (Object[] entry : entries) {
            ps.clearParameters();
            Params.applyTo(ps, entry, Params.count(entry));
            ps.addBatch();
        }
        return ps;
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        params.clear();
    }

    /**
     * Describes the statement without running it: on a node the connection already uses (its transaction's,
     * else a bound one, else the primary), so nothing is routed, reported or bound to a transaction.
     */
    private PreparedStatement described() throws SQLException {
        checkOpen();
        return (PreparedStatement) physicalFor(conn.anyBoundNode());
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return described().getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return described().getParameterMetaData();
    }

    // ---- JDBC forbids the SQL-string methods on a prepared statement ----

    private static SQLException stringQueryOnPrepared() {
        return new SQLException("Can't use query methods that take a query string on a PreparedStatement.", "42809");
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw stringQueryOnPrepared();
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw stringQueryOnPrepared();
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw stringQueryOnPrepared();
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw stringQueryOnPrepared();
    }

    @Override
    public String toString() {
        return factorySql;
    }
}
