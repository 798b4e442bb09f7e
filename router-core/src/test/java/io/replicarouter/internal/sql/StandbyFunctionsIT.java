package io.replicarouter.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The classifier's function lists against a real hot standby, so they cannot drift from the server.
 *
 * <p>The rows of the {@code #@standby} sections of {@code classifier-cases.txt} run on the standby
 * and the primary: a READ row must succeed on the standby; a WRITE row must fail there for recovery
 * (SQLSTATE 25006, or 55000 "recovery is in progress" for every row whose detail says
 * "fails during recovery") and then succeed on the primary, which shows the failure is the
 * standby's and not the row's. Every function of {@link FunctionRules#FAILING_DURING_RECOVERY} must
 * be proven by such a row. Every other READ row of the table runs on the standby as well: it may fail
 * (most rows name tables that do not exist), but never because the server is in recovery.
 */
@WithEmbeddedCluster(replicas = 1, scope = WithEmbeddedCluster.Scope.CLASS)
class StandbyFunctionsIT {

    private static final SqlClassifier CLASSIFIER = new SqlClassifier(Set.of(), 0);
    private static final String FAILS_DURING_RECOVERY = "() fails during recovery";
    private static final Pattern FROM_STDIN =
            Pattern.compile("\\bfrom\\s+stdin\\b", Pattern.CASE_INSENSITIVE);

    /** The objects the {@code #@standby} rows use (see the head of the table). */
    @BeforeAll
    static void createObjects(EmbeddedCluster cluster) throws SQLException {
        try (Connection c = cluster.primary().connect(); Statement s = c.createStatement()) {
            s.execute("create table standby_it (a int, t tsvector)");
            s.execute("insert into standby_it select g, to_tsvector('simple', 'w' || g)"
                    + " from generate_series(1, 1000) g");
            s.execute("create index standby_it_brin on standby_it using brin (a)");
            s.execute("create index standby_it_gin on standby_it using gin (t) with (fastupdate = on)");
            s.execute("create sequence standby_it_seq");
            s.execute("create table kw (\"update\" int, \"delete\" int, \"insert\" int, \"merge\" int,"
                    + " \"for\" int, \"into\" int, \"lock\" int, a int)");
            s.execute("insert into kw values (1, 2, 3, 4, 5, 6, 7, 8)");
            s.execute("analyze standby_it, kw");
        }
        cluster.waitForCatchUp(Duration.ofSeconds(30));
    }

    @Test
    void standbyRowsDoOnAStandbyWhatTheirTypeSays(EmbeddedCluster cluster) throws SQLException {
        List<ClassifierCasesTest.Case> rows = ClassifierCasesTest.cases().stream()
                .filter(ClassifierCasesTest.Case::standby).toList();
        List<String> problems = new ArrayList<>();
        Set<String> provenFailing = new HashSet<>();
        int reads = 0;
        int writes = 0;
        try (Connection standby = open(cluster.replica(0).connect())) {
            for (ClassifierCasesTest.Case row : rows) {
                Classification c = CLASSIFIER.classify(row.sql());
                String where = "line " + row.line() + " (" + row.expected() + ", " + c.detail() + "): " + row.sql();
                if (c.type() != row.expected()) {
                    problems.add(where + " is classified " + c.type());
                    continue;
                }
                SQLException failure = run(standby, row.sql());
                if (row.expected() == StatementType.READ) {
                    reads++;
                    if (failure != null) {
                        problems.add(where + " failed on the standby: " + describe(failure));
                    }
                    continue;
                }
                writes++;
                if (failure == null) {
                    problems.add(where + " succeeded on the standby");
                } else if (c.detail().endsWith(FAILS_DURING_RECOVERY)) {
                    if (!"55000".equals(failure.getSQLState())
                            || !failure.getMessage().contains("recovery is in progress")) {
                        problems.add(where + " failed on the standby, but not with 55000 recovery is in progress: "
                                + describe(failure));
                    } else {
                        provenFailing.add(c.detail().substring(0, c.detail().indexOf('(')));
                    }
                } else if (!refusedForRecovery(failure)) {
                    problems.add(where + " failed on the standby, but not for recovery: " + describe(failure));
                }
            }
        }
        try (Connection primary = open(cluster.primary().connect())) {
            for (ClassifierCasesTest.Case row : rows) {
                if (row.expected() == StatementType.WRITE) {
                    SQLException failure = run(primary, row.sql());
                    if (failure != null) {
                        problems.add("line " + row.line() + ": " + row.sql() + " failed on the primary: "
                                + describe(failure));
                    }
                }
            }
        }
        System.out.printf("StandbyFunctionsIT: %d READ rows succeeded on the standby; %d WRITE rows failed"
                + " there and succeeded on the primary; %d problems%n", reads, writes, problems.size());
        assertThat(problems).isEmpty();
        assertThat(provenFailing).containsExactlyInAnyOrderElementsOf(FunctionRules.FAILING_DURING_RECOVERY);
    }

    @Test
    void noReadOfTheTableIsRefusedByAStandby(EmbeddedCluster cluster) throws SQLException {
        List<String> refused = new ArrayList<>();
        int ran = 0;
        int failedForOtherReasons = 0;
        try (Connection standby = open(cluster.replica(0).connect())) {
            for (ClassifierCasesTest.Case row : ClassifierCasesTest.cases()) {
                if (row.expected() != StatementType.READ) {
                    continue;
                }
                ran++;
                SQLException failure = run(standby, row.sql());
                if (failure != null && refusedForRecovery(failure)) {
                    refused.add("line " + row.line() + ": " + row.sql() + " -> " + describe(failure));
                } else if (failure != null) {
                    failedForOtherReasons++;
                }
            }
        }
        System.out.printf("StandbyFunctionsIT: %d READ rows ran on the standby, %d failed for other reasons"
                + " (missing tables, syntax), %d refused for recovery%n", ran, failedForOtherReasons, refused.size());
        assertThat(refused).isEmpty();
    }

    private static Connection open(Connection c) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("set statement_timeout = '10s'");
        }
        return c;
    }

    /** Runs one statement in autocommit (a COPY through pgjdbc's CopyManager); the failure or null. */
    private static SQLException run(Connection c, String sql) {
        try {
            if (CLASSIFIER.classify(sql).isCopy()) {
                var copy = c.unwrap(PGConnection.class).getCopyAPI();
                if (FROM_STDIN.matcher(sql).find()) {
                    copy.copyIn(sql, new ByteArrayInputStream(new byte[0]));
                } else {
                    copy.copyOut(sql, OutputStream.nullOutputStream());
                }
            } else {
                try (Statement s = c.createStatement()) {
                    boolean resultSet = s.execute(sql);
                    while (resultSet || s.getUpdateCount() != -1) {
                        resultSet = s.getMoreResults();
                    }
                }
            }
            return null;
        } catch (SQLException e) {
            return e;
        } catch (IOException e) {
            return new SQLException(e.getMessage(), "58030", e);
        }
    }

    /**
     * Whether the server refused the statement because it is a standby: 25006 (read-only
     * transaction, "cannot execute ... during recovery"), or 55000 / XX000 naming recovery (but not a
     * recovery conflict, which cancels a read and is retried by the router).
     */
    private static boolean refusedForRecovery(SQLException e) {
        String state = e.getSQLState();
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if ("25006".equals(state)) {
            return true;
        }
        return ("55000".equals(state) || "XX000".equals(state))
                && message.contains("recovery") && !message.contains("conflict with recovery");
    }

    private static String describe(SQLException e) {
        return e.getSQLState() + " " + String.valueOf(e.getMessage()).replace('\n', ' ');
    }
}
