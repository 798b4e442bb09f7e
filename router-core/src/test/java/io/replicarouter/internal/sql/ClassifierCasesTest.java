package io.replicarouter.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven cases from {@code src/test/resources/sql/classifier-cases.txt}; the rows of its
 * {@code #@standby} sections also run on a real standby in {@code StandbyFunctionsIT}.
 */
class ClassifierCasesTest {

    private static final String RESOURCE = "/sql/classifier-cases.txt";
    private static final SqlClassifier UNCACHED = new SqlClassifier(Set.of(), 0);
    private static final SqlClassifier CACHED = SqlClassifier.defaults();

    /**
     * One row of the table.
     *
     * @param standby whether the row is in a section marked {@code #@standby}
     */
    record Case(int line, StatementType expected, String sql, boolean standby) {}

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = ClassifierCasesTest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            boolean standby = false;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.startsWith("# ----")) {
                    standby = false;
                } else if (line.strip().equals("#@standby")) {
                    standby = true;
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new IllegalStateException("line " + number + " has no TAB: " + line);
                }
                cases.add(new Case(number, StatementType.valueOf(line.substring(0, tab)),
                        unescape(line.substring(tab + 1)), standby));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** {@code \n}, {@code \t} and {@code \r} become control characters; other backslashes stay. */
    static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r");
    }

    static Stream<Arguments> table() {
        return cases().stream().map(c -> Arguments.of(c.expected(), c.sql(), c.line()));
    }

    @ParameterizedTest(name = "line {2}: {0} <- {1}")
    @MethodSource("table")
    void classifiesAsExpected(StatementType expected, String sql, int line) {
        Classification uncached = UNCACHED.classify(sql);
        assertThat(uncached.type())
                .as("line %d: %s (detail: %s)", line, sql, uncached.detail())
                .isEqualTo(expected);
        assertThat(uncached.isRead()).isEqualTo(expected == StatementType.READ);
        assertThat(uncached.detail()).isNotBlank();
        assertThat(CACHED.classify(sql)).isEqualTo(uncached);
        assertThat(CACHED.classify(sql)).isEqualTo(uncached);
    }

    @Test
    void tableHasAtLeast300DistinctStatementsOfEveryType() {
        List<Case> cases = cases();
        Set<String> distinct = new HashSet<>();
        for (Case c : cases) {
            assertThat(distinct.add(c.sql())).as("duplicate case on line %d: %s", c.line(), c.sql()).isTrue();
        }
        assertThat(distinct).hasSizeGreaterThanOrEqualTo(300);
        assertThat(cases).extracting(Case::expected).contains(StatementType.values());
    }

    @Test
    void standbyRowsAreReadsOrWrites() {
        assertThat(cases()).filteredOn(Case::standby).isNotEmpty()
                .allSatisfy(c -> assertThat(c.expected()).as("line %d", c.line())
                        .isIn(StatementType.READ, StatementType.WRITE));
    }

    /** StandbyFunctionsIT proves each name on a server through these rows. */
    @Test
    void everyFunctionThatFailsDuringRecoveryHasARowRunOnAStandby() {
        Set<String> covered = new HashSet<>();
        for (Case c : cases()) {
            String detail = UNCACHED.classify(c.sql()).detail();
            if (c.standby() && detail.endsWith("() fails during recovery")) {
                covered.add(detail.substring(0, detail.indexOf('(')));
            }
        }
        assertThat(covered).containsExactlyInAnyOrderElementsOf(FunctionRules.FAILING_DURING_RECOVERY);
    }
}
