package io.replicarouter.internal.jdbc;

import io.replicarouter.Consistency;
import io.replicarouter.NoReplicaPolicy;
import io.replicarouter.NodeRole;
import io.replicarouter.RoutingListener;
import io.replicarouter.balance.Balancers;
import io.replicarouter.internal.consistency.IgnoredTokens;
import io.replicarouter.internal.consistency.ScopeRegistry;
import io.replicarouter.internal.routing.Router;
import io.replicarouter.internal.sql.SqlClassifier;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.PrimaryPosition;
import io.replicarouter.internal.topology.TestNodes;
import io.replicarouter.internal.topology.Topology;
import io.replicarouter.internal.topology.TopologyHolder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The parameters a logical prepared statement records are replayed exactly on the physical statement: every
 * setter of {@link PreparedStatement}, typed slot or recorded call, with nulls, in index order, after
 * {@code clearParameters}, and per batch entry.
 */
class RecordedParamsTest {

    /** A physical statement that logs every call: the method and its arguments. */
    private static final class Recorder {
        final List<String> calls = new ArrayList<>();
        final List<Method> methods = new ArrayList<>();
        final List<Object[]> args = new ArrayList<>();
        final PreparedStatement ps = (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, m, a) -> {
                    Object[] given = a == null ? new Object[0] : a;
                    methods.add(m);
                    args.add(given);
                    calls.add(m.getName() + Arrays.deepToString(given));
                    return null;
                });
    }

    private static LogicalPreparedStatement prepared() {
        Node primary = TestNodes.node(0, "primary", NodeRole.PRIMARY);
        Router router = new Router(new TopologyHolder(new Topology(primary, List.of(), List.of(primary)),
                Long.MAX_VALUE), Balancers.byName("round-robin"), NoReplicaPolicy.PRIMARY);
        RoutingContext ctx = new RoutingContext(router, 1, SqlClassifier.defaults(), RoutingListener.NONE,
                () -> false, false, Consistency.EVENTUAL, 0, new ScopeRegistry(), new PrimaryPosition(),
                new IgnoredTokens(RoutingListener.NONE));
        return new LogicalPreparedStatement(new LogicalConnection(ctx), "select ?, ?, ?",
                LogicalPreparedStatement.PREPARE);
    }

    private static List<String> replay(LogicalPreparedStatement s) throws SQLException {
        Recorder r = new Recorder();
        s.params.applyTo(r.ps);
        return r.calls;
    }

    /** A value of {@code type} for a setter argument: distinct, non-cached boxes, edge values kept exact. */
    private static Object sample(Class<?> type) throws Exception {
        if (type == int.class) {
            return 123_456;
        }
        if (type == long.class) {
            return 9_876_543_210L;
        }
        if (type == short.class) {
            return (short) -300;
        }
        if (type == byte.class) {
            return (byte) -5;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == float.class) {
            return -0.0f;
        }
        if (type == double.class) {
            return Double.longBitsToDouble(0x7ff0000000000123L); // a NaN with a payload
        }
        if (type == String.class) {
            return "text";
        }
        if (type == Object.class) {
            return new StringBuilder("object");
        }
        if (type == BigDecimal.class) {
            return new BigDecimal("12.340");
        }
        if (type == byte[].class) {
            return new byte[] {1, 2, 3};
        }
        if (type == Date.class) {
            return new Date(86_400_000L);
        }
        if (type == Time.class) {
            return new Time(3_600_000L);
        }
        if (type == Timestamp.class) {
            return new Timestamp(1_000_000_123L);
        }
        if (type == Calendar.class) {
            return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        }
        if (type == InputStream.class) {
            return new ByteArrayInputStream(new byte[] {4});
        }
        if (type == Reader.class) {
            return new StringReader("r");
        }
        if (type == URL.class) {
            return new URL("http://example.invalid/");
        }
        if (type == SQLType.class) {
            return JDBCType.VARCHAR;
        }
        if (type.isInterface()) { // Array, Blob, Clob, NClob, Ref, RowId, SQLXML
            return Proxy.newProxyInstance(RecordedParamsTest.class.getClassLoader(), new Class<?>[] {type},
                    (p, m, a) -> m.getName().equals("toString") ? type.getSimpleName() : null);
        }
        throw new AssertionError("no sample for " + type);
    }

    private static boolean isStream(Class<?>[] types) {
        return Arrays.stream(types).anyMatch(t -> t == InputStream.class || t == Reader.class);
    }

    @Test
    void everySetterReplaysTheSameCallWithTheSameArguments() throws Exception {
        int setters = 0;
        for (Method m : PreparedStatement.class.getDeclaredMethods()) {
            Class<?>[] types = m.getParameterTypes();
            if (!m.getName().startsWith("set") || types.length < 2 || types[0] != int.class) {
                continue;
            }
            setters++;
            Object[] args = new Object[types.length];
            args[0] = 2;
            for (int i = 1; i < types.length; i++) {
                args[i] = sample(types[i]);
            }
            LogicalPreparedStatement s = prepared();
            m.invoke(s, args);
            Recorder r = new Recorder();
            s.params.applyTo(r.ps);
            assertThat(r.methods).as(m.toString()).containsExactly(m);
            Object[] replayed = r.args.get(0);
            assertThat(replayed).as(m.toString()).hasSize(args.length);
            for (int i = 0; i < args.length; i++) {
                if (types[i].isPrimitive()) {
                    assertThat(replayed[i]).as(m + " argument " + i).isEqualTo(args[i]); // boxes: equals is bitwise
                } else {
                    assertThat(replayed[i]).as(m + " argument " + i).isSameAs(args[i]);
                }
            }
            assertThat(s.retryAllowed()).as(m + " retryable").isEqualTo(!isStream(types));
        }
        assertThat(setters).isGreaterThanOrEqualTo(40);
    }

    @Test
    void nullsReplayAsTheSetterTheyWereGivenTo() throws Exception {
        LogicalPreparedStatement s = prepared();
        s.setString(1, null);
        s.setObject(2, null);
        s.setNull(3, Types.INTEGER);
        s.setNull(4, Types.OTHER, "my_type");
        s.setObject(5, null, Types.VARCHAR);
        s.setObject(6, null, JDBCType.BIGINT);
        s.setBigDecimal(7, null);
        s.setBytes(8, null);
        s.setTimestamp(9, null);
        assertThat(replay(s)).containsExactly(
                "setString[1, null]",
                "setObject[2, null]",
                "setNull[3, 4]",
                "setNull[4, 1111, my_type]",
                "setObject[5, null, 12]",
                "setObject[6, null, BIGINT]",
                "setBigDecimal[7, null]",
                "setBytes[8, null]",
                "setTimestamp[9, null]");
    }

    @Test
    void setObjectVariantsKeepTheirTypeAndScale() throws Exception {
        LogicalPreparedStatement s = prepared();
        BigDecimal d = new BigDecimal("1.25");
        s.setObject(1, d);
        s.setObject(2, d, Types.NUMERIC);
        s.setObject(3, d, Types.NUMERIC, 1);
        s.setObject(4, d, JDBCType.DECIMAL);
        s.setObject(5, d, JDBCType.DECIMAL, 3);
        assertThat(replay(s)).containsExactly(
                "setObject[1, 1.25]",
                "setObject[2, 1.25, 2]",
                "setObject[3, 1.25, 2, 1]",
                "setObject[4, 1.25, DECIMAL]",
                "setObject[5, 1.25, DECIMAL, 3]");
    }

    @Test
    void parametersReplayInIndexOrderTheLastValueOfEachSkippingHoles() throws Exception {
        LogicalPreparedStatement s = prepared();
        s.setInt(3, 30);
        s.setLong(1, 10L);
        s.setString(3, "thirty");
        s.setDate(6, new Date(0), Calendar.getInstance(TimeZone.getTimeZone("UTC")));
        s.setInt(6, 60);
        s.setLong(12, 120L); // grows the slots past their first size
        assertThat(replay(s)).containsExactly("setLong[1, 10]", "setString[3, thirty]", "setInt[6, 60]",
                "setLong[12, 120]");
        assertThat(replay(s)).as("replayed again on a retry").containsExactly("setLong[1, 10]",
                "setString[3, thirty]", "setInt[6, 60]", "setLong[12, 120]");
    }

    @Test
    void nothingSetReplaysNothing() throws Exception {
        assertThat(replay(prepared())).isEmpty();
    }

    @Test
    void clearParametersForgetsTheValuesAndClearsThePhysicalStatementFirst() throws Exception {
        LogicalPreparedStatement s = prepared();
        s.setInt(1, 1);
        s.setCharacterStream(2, new StringReader("once"));
        assertThat(s.retryAllowed()).isFalse();
        s.clearParameters();
        assertThat(s.retryAllowed()).as("the stream went with the clear").isTrue();
        assertThat(replay(s)).containsExactly("clearParameters[]");
        s.setInt(2, 22);
        assertThat(replay(s)).containsExactly("clearParameters[]", "setInt[2, 22]");
    }

    @Test
    void aBatchEntryIsASnapshotReplayedAfterClearingTheStatement() throws Exception {
        LogicalPreparedStatement s = prepared();
        s.setInt(1, 1);
        s.setString(2, "a");
        Object[] first = s.params.snapshot();
        s.setInt(1, 2);
        s.setNull(3, Types.VARCHAR);
        Object[] second = s.params.snapshot();
        s.setInt(1, 3); // after the last snapshot: in neither entry
        Recorder r = new Recorder();
        LogicalPreparedStatement.fill(r.ps, List.of(first, second));
        assertThat(r.calls).containsExactly(
                "clearParameters[]", "setInt[1, 1]", "setString[2, a]", "addBatch[]",
                "clearParameters[]", "setInt[1, 2]", "setString[2, a]", "setNull[3, 12]", "addBatch[]");
    }

    @Test
    void anIndexBelowOneIsRefusedWithItsValue() {
        LogicalPreparedStatement s = prepared();
        assertThatThrownBy(() -> s.setInt(0, 1)).isInstanceOf(SQLException.class)
                .hasMessageContaining("out of range: 0").extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("22023");
        assertThatThrownBy(() -> s.setAsciiStream(-1, new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(SQLException.class).hasMessageContaining("out of range: -1");
        assertThat(s.retryAllowed()).as("a refused stream is not recorded").isTrue();
    }

    @Test
    void aDriverErrorOfAReplayedSetterReachesTheCaller() throws Exception {
        LogicalPreparedStatement s = prepared();
        s.setLong(1, 5L);
        PreparedStatement failing = (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                    throw new SQLException("bad value", "22003");
                });
        assertThatThrownBy(() -> s.params.applyTo(failing)).isInstanceOf(SQLException.class)
                .hasMessage("bad value");
    }
}
