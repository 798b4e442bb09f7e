package io.replicarouter.spring;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether two JDBC URLs name the same server and database. */
class NodeVerifierTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://db1:5432/app | jdbc:postgresql://db1/app",
        "jdbc:postgresql://DB1/app | jdbc:postgresql://db1:5432/app?ApplicationName=x",
        "jdbc:postgresql://localhost:6000/app | jdbc:postgresql://127.0.0.1:6000/app",
        "jdbc:postgresql://[::1]:6000/app | jdbc:postgresql://localhost:6000/app",
        "jdbc:postgresql://u:secret@db1/app | jdbc:postgresql://db1/app",
        "jdbc:postgresql://db1,db2:5433/app | jdbc:postgresql://db1:5432,db2:5433/app",
    })
    void sameServer(String a, String b) {
        assertThat(NodeVerifier.server(a)).isNotNull().isEqualTo(NodeVerifier.server(b));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://db1/app | jdbc:postgresql://db2/app",
        "jdbc:postgresql://db1:5432/app | jdbc:postgresql://db1:5433/app",
        "jdbc:postgresql://db1/app | jdbc:postgresql://db1/other",
        "jdbc:postgresql://db1,db2/app | jdbc:postgresql://db2,db1/app",
    })
    void otherServer(String a, String b) {
        assertThat(NodeVerifier.server(a)).isNotEqualTo(NodeVerifier.server(b));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"jdbc:mysql://db1/app", "not a url"})
    void notPostgres(String url) {
        assertThat(NodeVerifier.server(url)).isNull();
    }
}
