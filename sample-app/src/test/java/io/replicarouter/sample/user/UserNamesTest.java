package io.replicarouter.sample.user;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class UserNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "ada", "Ada_Lovelace", "u.1-2", "x234567890123456789012345678901234567890"})
    void validNames(String name) {
        assertThat(UserNames.isValid(name.substring(0, Math.min(40, name.length())))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "two words", "semi;colon", "quote\"", "new\nline", "ü",
            "x2345678901234567890123456789012345678901"})
    void invalidNames(String name) {
        assertThat(UserNames.isValid(name)).isFalse();
    }

    @Test
    void nullIsNoName() {
        assertThat(UserNames.isValid(null)).isFalse();
    }

    @Test
    void theHeaderWinsOverTheCookie() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setCookies(new Cookie(UserNames.COOKIE, "fromcookie"));
        assertThat(UserNames.of(request)).hasValue("fromcookie");
        request.addHeader(UserNames.HEADER, "fromheader");
        assertThat(UserNames.of(request)).hasValue("fromheader");
    }

    @Test
    void anInvalidCookieIsNoUser() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setCookies(new Cookie(UserNames.COOKIE, "bad name"));
        assertThat(UserNames.of(request)).isEmpty();
    }

    @Test
    void signInAndOutSetTheCookie() {
        MockHttpServletResponse in = new MockHttpServletResponse();
        UserNames.signIn(in, "ada");
        assertThat(in.getHeader("Set-Cookie")).startsWith("forum-user=ada;").contains("Path=/", "HttpOnly",
                "SameSite=Lax", "Max-Age=2592000");
        MockHttpServletResponse out = new MockHttpServletResponse();
        UserNames.signOut(out);
        assertThat(out.getHeader("Set-Cookie")).startsWith("forum-user=;").contains("Max-Age=0");
    }
}
