package io.replicarouter.embedded;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnTest {

    @ParameterizedTest
    @CsvSource({
            "0/0, 0",
            "0/16B3748, 23803720",
            "1/0, 4294967296",
            "16/B374D848, 97500059720",
            "FFFFFFFF/FFFFFFFF, -1",
    })
    void parsesAndPrintsPostgresForm(String text, long value) {
        Lsn lsn = Lsn.parse(text);
        assertThat(lsn.value()).isEqualTo(value);
        assertThat(lsn.toString()).isEqualTo(text);
    }

    @Test
    void acceptsLowerCaseHex() {
        assertThat(Lsn.parse("a/bc").value()).isEqualTo(0xAL << 32 | 0xBC);
    }

    @Test
    void comparesUnsigned() {
        assertThat(Lsn.parse("FFFFFFFF/0")).isGreaterThan(Lsn.parse("7FFFFFFF/0"));
        assertThat(Lsn.parse("1/0").hasReached(Lsn.parse("0/FFFFFFFF"))).isTrue();
        assertThat(Lsn.parse("0/10").hasReached(Lsn.parse("0/10"))).isTrue();
        assertThat(Lsn.parse("0/F").hasReached(Lsn.parse("0/10"))).isFalse();
        assertThat(Lsn.parse("0/100").minus(Lsn.parse("0/40"))).isEqualTo(0xC0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "0/", "/0", "0", "x/1", "1/x", "123456789/0", "0/123456789", "0/1/2", " 0/1"})
    void rejectsWhatIsNotAnLsn(String text) {
        assertThatThrownBy(() -> Lsn.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }
}
