package io.replicarouter.spring.web;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingListener;
import io.replicarouter.TokenProblem;
import io.replicarouter.spring.scope.ConsistencyTokens;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The filter without a database: which header or cookie it reads (the router reports each token it ignores), that
 * a bad token never fails the request, and that the request's scope is open during the chain and closed after it
 * on every path. The router's nodes point where nothing listens, and nothing here needs them.
 */
class ConsistencyTokenFilterTest {

    private static final List<TokenProblem> IGNORED = Collections.synchronizedList(new ArrayList<>());
    private static final RoutingDataSource ROUTER = RoutingDataSource.builder()
            .primary("jdbc:postgresql://127.0.0.1:1/app", "app", "pw")
            .replica("replica1", "jdbc:postgresql://127.0.0.1:1/app?ApplicationName=r", "app", "pw")
            .monitorInterval(Duration.ZERO)
            .listener(new RoutingListener() {
                @Override
                public void tokenIgnored(TokenProblem problem, String detail) {
                    IGNORED.add(problem);
                }
            })
            .build();
    private static final ConsistencyTokens TOKENS = new ConsistencyTokens(ROUTER);

    private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
    private final MockHttpServletResponse response = new MockHttpServletResponse();
    private final List<Boolean> scopeOpenInChain = new ArrayList<>();
    private final FilterChain chain = (req, res) -> {
        scopeOpenInChain.add(ROUTER.currentScope().isPresent());
        res.getWriter().write("ok");
    };

    @AfterAll
    static void close() {
        ROUTER.close();
    }

    @BeforeEach
    void clear() {
        IGNORED.clear();
    }

    private static ConsistencyTokenFilter filter(ReplicaRouterWebProperties properties) {
        return new ConsistencyTokenFilter(() -> TOKENS, properties);
    }

    private static ConsistencyTokenFilter filter() {
        return filter(new ReplicaRouterWebProperties());
    }

    private void served() {
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(scopeOpenInChain).containsExactly(true);
        assertThat(ROUTER.currentScope().isPresent()).as("no scope left on the thread").isFalse();
        assertThat(response.getHeader("X-Consistency-Token")).as("nothing written, no token").isNull();
        assertThat(response.getHeader("Set-Cookie")).isNull();
    }

    @Test
    void aRequestWithoutATokenRunsInAFreshScope() throws Exception {
        filter().doFilter(request, response, chain);
        served();
        assertThat(IGNORED).isEmpty();
    }

    @Test
    void aMalformedHeaderTokenIsIgnoredAndTheRequestServed() throws Exception {
        request.addHeader("X-Consistency-Token", "not-a-token");
        filter().doFilter(request, response, chain);
        served();
        assertThat(IGNORED).containsExactly(TokenProblem.MALFORMED);
    }

    @Test
    void aMalformedCookieTokenIsIgnoredAndTheRequestServed() throws Exception {
        request.setCookies(new Cookie("consistency-token", "1.zz-zz"));
        filter().doFilter(request, response, chain);
        served();
        assertThat(IGNORED).containsExactly(TokenProblem.MALFORMED);
    }

    @Test
    void aSignedTokenWithoutASecretIsIgnored() throws Exception {
        request.addHeader("X-Consistency-Token", "1.1-2.c2lnbmF0dXJl");
        filter().doFilter(request, response, chain);
        served();
        assertThat(IGNORED).containsExactly(TokenProblem.UNEXPECTED_SIGNATURE);
    }

    @Test
    void theHeaderWinsOverTheCookie() throws Exception {
        request.addHeader("X-Consistency-Token", "bad-header");
        request.setCookies(new Cookie("consistency-token", "x".repeat(3000)));
        filter().doFilter(request, response, chain);
        served();
        assertThat(IGNORED).containsExactly(TokenProblem.MALFORMED); // not TOO_LARGE: the cookie was not read
    }

    @Test
    void theHeaderAndCookieNamesAreConfigurable() throws Exception {
        ReplicaRouterWebProperties properties = new ReplicaRouterWebProperties();
        properties.setHeader("X-Rr");
        properties.getCookie().setName("rr");
        request.addHeader("X-Consistency-Token", "bad");
        request.setCookies(new Cookie("consistency-token", "bad"));
        filter(properties).doFilter(request, response, chain);
        assertThat(IGNORED).as("the default names are not read").isEmpty();

        MockHttpServletRequest second = new MockHttpServletRequest("GET", "/x");
        second.addHeader("X-Rr", "bad");
        filter(properties).doFilter(second, new MockHttpServletResponse(), chain);
        MockHttpServletRequest third = new MockHttpServletRequest("GET", "/x");
        third.setCookies(new Cookie("rr", "x".repeat(3000)));
        filter(properties).doFilter(third, new MockHttpServletResponse(), chain);
        assertThat(IGNORED).containsExactly(TokenProblem.MALFORMED, TokenProblem.TOO_LARGE);
    }

    @Test
    void withCookiesOffTheCookieIsNotRead() throws Exception {
        ReplicaRouterWebProperties properties = new ReplicaRouterWebProperties();
        properties.getCookie().setEnabled(false);
        request.setCookies(new Cookie("consistency-token", "bad"));
        filter(properties).doFilter(request, response, chain);
        served();
        assertThat(IGNORED).isEmpty();
    }

    @Test
    void aChainThatThrowsLeavesNoScopeOnTheThread() {
        FilterChain failing = (req, res) -> {
            scopeOpenInChain.add(ROUTER.currentScope().isPresent());
            throw new ServletException("handler failed");
        };
        assertThatThrownBy(() -> filter().doFilter(request, response, failing))
                .isInstanceOf(ServletException.class).hasMessage("handler failed");
        assertThat(scopeOpenInChain).containsExactly(true);
        assertThat(ROUTER.currentScope().isPresent()).isFalse();
    }

    @Test
    void anAsyncRequestLeavesNoScopeOnTheContainerThreadAndTheAsyncDispatchContinuesIt() throws Exception {
        request.setAsyncSupported(true);
        FilterChain startsAsync = (req, res) -> {
            scopeOpenInChain.add(ROUTER.currentScope().isPresent());
            req.startAsync(req, res);
        };
        ConsistencyTokenFilter filter = filter();
        filter.doFilter(request, response, startsAsync);
        assertThat(scopeOpenInChain).containsExactly(true);
        assertThat(ROUTER.currentScope().isPresent()).as("closed on the container thread").isFalse();
        assertThat(response.isCommitted()).isFalse();

        request.setDispatcherType(jakarta.servlet.DispatcherType.ASYNC);
        filter.doFilter(request, response, chain);
        assertThat(scopeOpenInChain).containsExactly(true, true);
        assertThat(ROUTER.currentScope().isPresent()).isFalse();
    }

    @Test
    void anotherRequestOnTheSameThreadStartsClean() throws Exception {
        request.addHeader("X-Consistency-Token", "bad");
        filter().doFilter(request, response, chain);
        FilterChain checks = (req, res) -> {
            try (var scope = ROUTER.currentScope().continueHere()) {
                scopeOpenInChain.add(scope.hasWrites());
            }
        };
        filter().doFilter(new MockHttpServletRequest("GET", "/y"), new MockHttpServletResponse(), checks);
        assertThat(scopeOpenInChain).containsExactly(true, false);
    }

    @Test
    void chainExceptionsOfEveryKindPropagateUnchanged() {
        FilterChain io = (req, res) -> {
            throw new IOException("broken pipe");
        };
        assertThatThrownBy(() -> filter().doFilter(request, response, io)).isInstanceOf(IOException.class);
        assertThat(ROUTER.currentScope().isPresent()).isFalse();
    }
}
