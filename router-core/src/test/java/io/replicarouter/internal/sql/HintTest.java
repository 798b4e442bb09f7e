package io.replicarouter.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HintTest {

    private final SqlClassifier classifier = new SqlClassifier(java.util.Set.of(), 0);

    private Hint hint(String sql) {
        return classifier.classify(sql).hint();
    }

    @Test
    void primaryHintForcesPrimaryAndKeepsTheComputedType() {
        Classification c = classifier.classify("/* route:primary */ select 1");
        assertThat(c.hint()).isEqualTo(new Hint(true, null));
        assertThat(c.type()).isEqualTo(StatementType.READ);
        assertThat(classifier.classify("/* route:primary */ delete from t").type()).isEqualTo(StatementType.WRITE);
    }

    @Test
    void replicaHintWithStaleness() {
        assertThat(hint("/* route:replica max-staleness=500ms */ select 1"))
                .isEqualTo(new Hint(false, Duration.ofMillis(500)));
        assertThat(hint("  \n/*route:replica max_staleness=2s*/select 1"))
                .isEqualTo(new Hint(false, Duration.ofSeconds(2)));
        assertThat(hint("/* ROUTE:PRIMARY max-staleness=1m */ select 1"))
                .isEqualTo(new Hint(true, Duration.ofMinutes(1)));
    }

    @ParameterizedTest
    @CsvSource({"250ms,250", "2s,2000", "1m,60000", "0ms,0", "10S,10000", "3MS,3"})
    void durations(String text, long millis) {
        assertThat(HintParser.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ms", "5", "-5ms", "1.5s", "5h", "5 ms", "five", "1s2", "999999999999999999m",
            "1234567890123456789ms"})
    void malformedDurationsAreNull(String text) {
        assertThat(HintParser.parseDuration(text)).isNull();
    }

    @Test
    void malformedValuesAreIgnoredNeverThrown() {
        assertThat(hint("/* route:replica max-staleness=soon */ select 1")).isEqualTo(Hint.NONE);
        assertThat(hint("/* route:primary max-staleness=soon */ select 1")).isEqualTo(new Hint(true, null));
        assertThat(hint("/* route:replica max-staleness= */ select 1")).isEqualTo(Hint.NONE);
        assertThat(hint("/* route:replica =5s foo bar=baz */ select 1")).isEqualTo(Hint.NONE);
        assertThat(hint("/* route:replica max-staleness=999999999999999999m */ select 1")).isEqualTo(Hint.NONE);
        assertThat(hint("/* route: */ select 1")).isEqualTo(Hint.NONE);
        assertThat(hint("/* route:elsewhere unknown=1 max-staleness=3s */ select 1"))
                .isEqualTo(new Hint(false, Duration.ofSeconds(3)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "select 1 /* route:primary */",
            "-- x\n/* route:primary */ select 1",
            ";/* route:primary */ select 1",
            "/* x */ /* route:primary */ select 1",
            "/* routing:primary */ select 1",
            "/* x route:primary */ select 1",
            "-- route:primary\nselect 1",
            "select '/* route:primary */'",
            "/* route:primary select 1"})
    void hintOnlyCountsAsTheVeryFirstToken(String sql) {
        assertThat(hint(sql)).isEqualTo(Hint.NONE);
    }

    @Test
    void nestedCommentContentIsPartOfTheHintBody() {
        assertThat(hint("/* route:primary /* inner */ */ select 1")).isEqualTo(new Hint(true, null));
    }

    @Test
    void hintSurvivesAWriteVerdict() {
        Classification c = classifier.classify("/* route:replica max-staleness=1s */ select 1; delete from t");
        assertThat(c.type()).isEqualTo(StatementType.WRITE);
        assertThat(c.detail()).isEqualTo("multiple statements");
        assertThat(c.hint()).isEqualTo(new Hint(false, Duration.ofSeconds(1)));
    }
}
