package io.replicarouter.jdbc;

import io.replicarouter.sql.Classification;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;

/**
 * A prepared statement of a {@link LogicalConnection}. The SQL is classified once; parameters are recorded and
 * applied at execution on the physical prepared statement of the node the execution is routed to.
 */
final class LogicalPreparedStatement extends LogicalStatement implements PreparedStatement {

    private final String sql;
    private final Classification classification;
    private final Params params = new Params();
    private List<Params.Setter[]> batch;

    LogicalPreparedStatement(LogicalConnection conn, String sql, Factory factory) {
        super(conn, factory);
        this.sql = sql;
        this.classification = classify(sql);
    }

    @Override
    boolean retryAllowed() {
        return !params.hasStreams();
    }

    private PreparedStatement prepared(java.sql.Statement physical) throws SQLException {
        PreparedStatement ps = (PreparedStatement) physical;
        params.applyTo(ps);
        return ps;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return execute(classification, s -> wrap(prepared(s).executeQuery()));
    }

    @Override
    public int executeUpdate() throws SQLException {
        return execute(classification, s -> prepared(s).executeUpdate());
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return execute(classification, s -> prepared(s).executeLargeUpdate());
    }

    @Override
    public boolean execute() throws SQLException {
        return execute(classification, s -> prepared(s).execute());
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
        List<Params.Setter[]> entries = takeBatch();
        return execute(BATCH, s -> fill((PreparedStatement) s, entries).executeBatch());
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        List<Params.Setter[]> entries = takeBatch();
        return execute(BATCH, s -> fill((PreparedStatement) s, entries).executeLargeBatch());
    }

    private List<Params.Setter[]> takeBatch() {
        List<Params.Setter[]> entries = batch == null ? List.of() : batch;
        batch = null;
        return entries;
    }

    private static PreparedStatement fill(PreparedStatement ps, List<Params.Setter[]> entries) throws SQLException {
        for (Params.Setter[] entry : entries) {
            ps.clearParameters();
            Params.applyTo(ps, entry, entry.length - 1);
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
        return sql;
    }

    // ---- parameters (recorded; applied at execution) ----

    @Override
    public void setNull(int a0, int a1) throws SQLException {
        params.set(a0, false, ps -> ps.setNull(a0, a1));
    }

    @Override
    public void setBoolean(int a0, boolean a1) throws SQLException {
        params.set(a0, false, ps -> ps.setBoolean(a0, a1));
    }

    @Override
    public void setByte(int a0, byte a1) throws SQLException {
        params.set(a0, false, ps -> ps.setByte(a0, a1));
    }

    @Override
    public void setShort(int a0, short a1) throws SQLException {
        params.set(a0, false, ps -> ps.setShort(a0, a1));
    }

    @Override
    public void setInt(int a0, int a1) throws SQLException {
        params.set(a0, false, ps -> ps.setInt(a0, a1));
    }

    @Override
    public void setLong(int a0, long a1) throws SQLException {
        params.set(a0, false, ps -> ps.setLong(a0, a1));
    }

    @Override
    public void setFloat(int a0, float a1) throws SQLException {
        params.set(a0, false, ps -> ps.setFloat(a0, a1));
    }

    @Override
    public void setDouble(int a0, double a1) throws SQLException {
        params.set(a0, false, ps -> ps.setDouble(a0, a1));
    }

    @Override
    public void setBigDecimal(int a0, BigDecimal a1) throws SQLException {
        params.set(a0, false, ps -> ps.setBigDecimal(a0, a1));
    }

    @Override
    public void setString(int a0, String a1) throws SQLException {
        params.set(a0, false, ps -> ps.setString(a0, a1));
    }

    @Override
    public void setBytes(int a0, byte[] a1) throws SQLException {
        params.set(a0, false, ps -> ps.setBytes(a0, a1));
    }

    @Override
    public void setDate(int a0, Date a1) throws SQLException {
        params.set(a0, false, ps -> ps.setDate(a0, a1));
    }

    @Override
    public void setTime(int a0, Time a1) throws SQLException {
        params.set(a0, false, ps -> ps.setTime(a0, a1));
    }

    @Override
    public void setTimestamp(int a0, Timestamp a1) throws SQLException {
        params.set(a0, false, ps -> ps.setTimestamp(a0, a1));
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1, int a2) throws SQLException {
        params.set(a0, true, ps -> ps.setAsciiStream(a0, a1, a2));
    }

    @SuppressWarnings("deprecation")
    @Override
    public void setUnicodeStream(int a0, InputStream a1, int a2) throws SQLException {
        params.set(a0, true, ps -> ps.setUnicodeStream(a0, a1, a2));
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1, int a2) throws SQLException {
        params.set(a0, true, ps -> ps.setBinaryStream(a0, a1, a2));
    }

    @Override
    public void setObject(int a0, Object a1, int a2) throws SQLException {
        params.set(a0, false, ps -> ps.setObject(a0, a1, a2));
    }

    @Override
    public void setObject(int a0, Object a1) throws SQLException {
        params.set(a0, false, ps -> ps.setObject(a0, a1));
    }

    @Override
    public void setCharacterStream(int a0, Reader a1, int a2) throws SQLException {
        params.set(a0, true, ps -> ps.setCharacterStream(a0, a1, a2));
    }

    @Override
    public void setRef(int a0, Ref a1) throws SQLException {
        params.set(a0, false, ps -> ps.setRef(a0, a1));
    }

    @Override
    public void setBlob(int a0, Blob a1) throws SQLException {
        params.set(a0, false, ps -> ps.setBlob(a0, a1));
    }

    @Override
    public void setClob(int a0, Clob a1) throws SQLException {
        params.set(a0, false, ps -> ps.setClob(a0, a1));
    }

    @Override
    public void setArray(int a0, Array a1) throws SQLException {
        params.set(a0, false, ps -> ps.setArray(a0, a1));
    }

    @Override
    public void setDate(int a0, Date a1, Calendar a2) throws SQLException {
        params.set(a0, false, ps -> ps.setDate(a0, a1, a2));
    }

    @Override
    public void setTime(int a0, Time a1, Calendar a2) throws SQLException {
        params.set(a0, false, ps -> ps.setTime(a0, a1, a2));
    }

    @Override
    public void setTimestamp(int a0, Timestamp a1, Calendar a2) throws SQLException {
        params.set(a0, false, ps -> ps.setTimestamp(a0, a1, a2));
    }

    @Override
    public void setNull(int a0, int a1, String a2) throws SQLException {
        params.set(a0, false, ps -> ps.setNull(a0, a1, a2));
    }

    @Override
    public void setURL(int a0, URL a1) throws SQLException {
        params.set(a0, false, ps -> ps.setURL(a0, a1));
    }

    @Override
    public void setRowId(int a0, RowId a1) throws SQLException {
        params.set(a0, false, ps -> ps.setRowId(a0, a1));
    }

    @Override
    public void setNString(int a0, String a1) throws SQLException {
        params.set(a0, false, ps -> ps.setNString(a0, a1));
    }

    @Override
    public void setNCharacterStream(int a0, Reader a1, long a2) throws SQLException {
        params.set(a0, true, ps -> ps.setNCharacterStream(a0, a1, a2));
    }

    @Override
    public void setNClob(int a0, NClob a1) throws SQLException {
        params.set(a0, false, ps -> ps.setNClob(a0, a1));
    }

    @Override
    public void setClob(int a0, Reader a1, long a2) throws SQLException {
        params.set(a0, true, ps -> ps.setClob(a0, a1, a2));
    }

    @Override
    public void setBlob(int a0, InputStream a1, long a2) throws SQLException {
        params.set(a0, true, ps -> ps.setBlob(a0, a1, a2));
    }

    @Override
    public void setNClob(int a0, Reader a1, long a2) throws SQLException {
        params.set(a0, true, ps -> ps.setNClob(a0, a1, a2));
    }

    @Override
    public void setSQLXML(int a0, SQLXML a1) throws SQLException {
        params.set(a0, false, ps -> ps.setSQLXML(a0, a1));
    }

    @Override
    public void setObject(int a0, Object a1, int a2, int a3) throws SQLException {
        params.set(a0, false, ps -> ps.setObject(a0, a1, a2, a3));
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1, long a2) throws SQLException {
        params.set(a0, true, ps -> ps.setAsciiStream(a0, a1, a2));
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1, long a2) throws SQLException {
        params.set(a0, true, ps -> ps.setBinaryStream(a0, a1, a2));
    }

    @Override
    public void setCharacterStream(int a0, Reader a1, long a2) throws SQLException {
        params.set(a0, true, ps -> ps.setCharacterStream(a0, a1, a2));
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1) throws SQLException {
        params.set(a0, true, ps -> ps.setAsciiStream(a0, a1));
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1) throws SQLException {
        params.set(a0, true, ps -> ps.setBinaryStream(a0, a1));
    }

    @Override
    public void setCharacterStream(int a0, Reader a1) throws SQLException {
        params.set(a0, true, ps -> ps.setCharacterStream(a0, a1));
    }

    @Override
    public void setNCharacterStream(int a0, Reader a1) throws SQLException {
        params.set(a0, true, ps -> ps.setNCharacterStream(a0, a1));
    }

    @Override
    public void setClob(int a0, Reader a1) throws SQLException {
        params.set(a0, true, ps -> ps.setClob(a0, a1));
    }

    @Override
    public void setBlob(int a0, InputStream a1) throws SQLException {
        params.set(a0, true, ps -> ps.setBlob(a0, a1));
    }

    @Override
    public void setNClob(int a0, Reader a1) throws SQLException {
        params.set(a0, true, ps -> ps.setNClob(a0, a1));
    }

    @Override
    public void setObject(int a0, Object a1, java.sql.SQLType a2, int a3) throws SQLException {
        params.set(a0, false, ps -> ps.setObject(a0, a1, a2, a3));
    }

    @Override
    public void setObject(int a0, Object a1, java.sql.SQLType a2) throws SQLException {
        params.set(a0, false, ps -> ps.setObject(a0, a1, a2));
    }
}
