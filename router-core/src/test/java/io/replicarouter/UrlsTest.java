package io.replicarouter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Credentials never survive {@link Urls#redact}, whatever characters they hold. */
class UrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://h/db                                  | jdbc:postgresql://h/db",
        "jdbc:postgresql://h/db?password=pw&ssl=true             | jdbc:postgresql://h/db?password=***&ssl=true",
        "jdbc:postgresql://h/db?PASSWORD=pw                      | jdbc:postgresql://h/db?PASSWORD=***",
        "jdbc:postgresql://h/db?sslpassword=pw                   | jdbc:postgresql://h/db?sslpassword=***",
        "jdbc:postgresql://h/db?user=me@corp&password=pw         | jdbc:postgresql://h/db?user=***&password=***",
        "jdbc:postgresql://h/db?ApplicationName=a@b              | jdbc:postgresql://h/db?ApplicationName=a@b",
        "jdbc:postgresql://u:pw@h/db                             | jdbc:postgresql://***@h/db",
        "jdbc:postgresql://u:p/w@h/db                            | jdbc:postgresql://***@h/db",
        "jdbc:postgresql://u:p@w@h/db?password=pw                | jdbc:postgresql://***@h/db?password=***",
        "jdbc:postgresql://u:p?w@h/db                            | jdbc:postgresql://***@h/db",
        "jdbc:postgresql://u:p=w@h/db                            | jdbc:postgresql://***@h/db",
    })
    void redacts(String url, String expected) {
        assertThat(Urls.redact(url)).isEqualTo(expected);
    }
}
