package io.replicarouter.sample.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForumPagesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/|/",
        "/topics/new|/topics/new",
        "/topics/42?x=1|/topics/42?x=1",
        "//evil.example|/",
        "https://evil.example/|/",
        "/\\evil|/",
        "evil|/",
    })
    void redirectsOnlyToLocalPaths(String next, String expected) {
        assertThat(ForumPages.safeNext(next)).isEqualTo(expected);
    }

    @Test
    void noNextIsHome() {
        assertThat(ForumPages.safeNext(null)).isEqualTo("/");
        assertThat(ForumPages.safeNext("/a\r\nSet-Cookie: x")).isEqualTo("/");
    }

    @Test
    void validation() {
        assertThat(Validation.topic("t", "b")).isNull();
        assertThat(Validation.topic(null, "b")).contains("title");
        assertThat(Validation.topic("  ", "b")).contains("title");
        assertThat(Validation.topic("x".repeat(201), "b")).contains("200");
        assertThat(Validation.topic("  " + "x".repeat(200) + "  ", "b")).isNull();
        assertThat(Validation.topic("t", " ")).contains("empty");
        assertThat(Validation.body(null)).contains("empty");
        assertThat(Validation.body("x".repeat(20_001))).contains("20000");
        assertThat(Validation.body("x".repeat(20_000))).isNull();
    }
}
