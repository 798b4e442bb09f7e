package io.replicarouter.internal.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PostgreSQL's {@code X/Y} text form of WAL positions, unsigned throughout. */
class LsnsTest {

    @ParameterizedTest
    @CsvSource({
            "0/0,                 0",
            "0/1,                 1",
            "0/16B3748,           23803720",
            "1/0,                 4294967296",
            "16/B374D848,         97500059720",
            "ffffffff/ffffffff,   -1",
            "FFFFFFFF/FFFFFFFE,   -2",
            "80000000/0,          -9223372036854775808",
    })
    void parses(String text, long expected) {
        assertThat(Lsns.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "0/", "/0", "0", "00", "0/0/0", "g/0", "0/-1", "-1/0", "123456789/0",
            "0/123456789", " 0/0", "0/0 ", "0x1/0", "+1/0", "0/+1", "1/٣"})
    void rejectsWhatIsNotAnLsnNamingTheText(String text) {
        assertThatThrownBy(() -> Lsns.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Lsns.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'null'");
    }

    @ParameterizedTest
    @CsvSource({"0, 0/0", "23803720, 0/16B3748", "4294967296, 1/0", "-1, FFFFFFFF/FFFFFFFF"})
    void formatsAsPostgresDoes(long lsn, String expected) {
        assertThat(Lsns.format(lsn)).isEqualTo(expected);
    }

    @Test
    void formatAndParseAreInverse() {
        SplittableRandom random = new SplittableRandom(20261202L);
        for (int i = 0; i < 10_000; i++) {
            long lsn = random.nextLong();
            assertThat(Lsns.parse(Lsns.format(lsn))).as("seed 20261202, try %d: %d", i, lsn).isEqualTo(lsn);
        }
    }

    @Test
    void reachedComparesUnsigned() {
        assertThat(Lsns.reached(5, 5)).isTrue();
        assertThat(Lsns.reached(6, 5)).isTrue();
        assertThat(Lsns.reached(4, 5)).isFalse();
        assertThat(Lsns.reached(Lsns.parse("80000000/0"), Lsns.parse("7FFFFFFF/FFFFFFFF")))
                .as("past the sign bit is still later").isTrue();
        assertThat(Lsns.reached(0, -1)).isFalse();
    }
}
