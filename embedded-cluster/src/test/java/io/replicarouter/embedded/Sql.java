package io.replicarouter.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC helpers for the tests. */
final class Sql {

    private Sql() {
    }

    static void exec(ClusterNode node, String sql) {
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("on " + node + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    static String one(ClusterNode node, String sql) {
        try (Connection c = node.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new AssertionError("on " + node + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    static List<String> column(ClusterNode node, String sql) {
        try (Connection c = node.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new AssertionError("on " + node + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    static boolean canConnect(ClusterNode node) {
        try (Connection c = node.connect()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Milliseconds until {@code sql} returns a non-null first value on {@code node}, or -1 after {@code maxMillis}. */
    static long millisUntilVisible(ClusterNode node, String sql, long maxMillis) throws InterruptedException {
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1_000_000 < maxMillis) {
            if (one(node, sql) != null) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(5);
        }
        return -1;
    }
}
