package io.replicarouter.spring.web;

import io.replicarouter.spring.scope.ConsistencyTokens;
import io.replicarouter.spring.scope.ResumedScope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Read-your-writes across requests and application instances: each request runs in a consistency scope that
 * resumes the token it carries (the {@code X-Consistency-Token} header, else the {@code consistency-token} cookie;
 * both names configurable), or in a fresh one. When the request wrote, its response carries the new token back as
 * that header and cookie ({@code HttpOnly; SameSite=Lax; Path=/}, {@code Secure} when the request is, a short
 * max-age), added just before the response commits — on a redirect (Post/Redirect/Get), an error, a flush or a
 * body that fills the buffer as well as after the handler returns. A token that is malformed, unsigned when
 * {@code replica-router.token.secret} is set, or otherwise unusable is ignored: the request runs as if it had
 * none, never fails because of it. The scope is closed when the request's dispatch ends, also when it throws.
 *
 * <p>Asynchronous requests: the scope is closed on the container thread when the first dispatch returns; the
 * async dispatch (this filter runs for it too) continues it, and so do tasks on Boot's executor (a Callable
 * handler) through the {@code ConsistencyTaskDecorator}. The token is added when the response commits, through
 * this filter's response wrapper.
 */
public class ConsistencyTokenFilter extends OncePerRequestFilter {

    /** The default order: after observation and Spring Session, before Spring Security and Boot's other filters. */
    public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    private static final Logger log = LoggerFactory.getLogger(ConsistencyTokenFilter.class);
    private static final String UNIT = ConsistencyTokenFilter.class.getName() + ".UNIT";

    private final Supplier<ConsistencyTokens> tokens;
    private final String header;
    private final String cookieName;
    private final Duration maxAge;
    private volatile ConsistencyTokens resolved;

    /**
     * @param tokens     the tokens API, resolved at the first request
     * @param properties header and cookie settings (read now)
     */
    public ConsistencyTokenFilter(Supplier<ConsistencyTokens> tokens, ReplicaRouterWebProperties properties) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.header = properties.getHeader();
        ReplicaRouterWebProperties.Cookie cookie = properties.getCookie();
        this.cookieName = cookie.isEnabled() ? cookie.getName() : null;
        this.maxAge = cookie.getMaxAge();
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Unit unit = isAsyncDispatch(request) && request.getAttribute(UNIT) instanceof Unit u ? u : null;
        ResumedScope scope;
        try {
            if (unit == null) {
                scope = tokens().open(incoming(request));
                unit = new Unit(scope, request.isSecure());
            } else {
                scope = unit.current.continueHere();
                unit.current = scope;
            }
        } catch (RuntimeException e) { // the router is gone (closing): serve the request without a scope
            log.debug("request served without a consistency scope: {}", e.getMessage());
            chain.doFilter(request, response);
            return;
        }
        // An async dispatch may get the response wrapped by the first dispatch (the AsyncContext keeps it).
        TokenResponse wrapped = WebUtils.getNativeResponse(response, TokenResponse.class);
        HttpServletResponse passed = response;
        if (wrapped == null) {
            Unit forResponse = unit;
            wrapped = new TokenResponse(response, () -> forResponse.writeTo(response));
            passed = wrapped;
        }
        try {
            chain.doFilter(request, passed);
        } finally {
            try {
                if (request.isAsyncStarted()) {
                    request.setAttribute(UNIT, unit);
                } else {
                    wrapped.fire();
                }
            } finally {
                scope.close();
            }
        }
    }

    private ConsistencyTokens tokens() {
        ConsistencyTokens t = resolved;
        if (t == null) {
            t = tokens.get();
            resolved = t;
        }
        return t;
    }

    /** The request's token: the header, else the cookie; {@code null} without either. */
    private String incoming(HttpServletRequest request) {
        String token = request.getHeader(header);
        if ((token == null || token.isEmpty()) && cookieName != null) {
            Cookie cookie = WebUtils.getCookie(request, cookieName);
            token = cookie == null ? null : cookie.getValue();
        }
        return token;
    }

    /** One request's unit across its dispatches, and what its response gets. */
    private final class Unit {

        private final boolean secure;
        private volatile ResumedScope current;

        Unit(ResumedScope current, boolean secure) {
            this.current = current;
            this.secure = secure;
        }

        void writeTo(HttpServletResponse response) {
            String token = current.advancedToken();
            if (token == null) {
                return;
            }
            response.setHeader(header, token);
            if (cookieName != null) {
                response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(cookieName, token).httpOnly(true)
                        .secure(secure).sameSite("Lax").path("/").maxAge(maxAge).build().toString());
            }
        }
    }
}
