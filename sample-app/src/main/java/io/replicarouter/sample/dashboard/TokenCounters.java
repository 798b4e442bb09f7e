package io.replicarouter.sample.dashboard;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts consistency tokens for the dashboard: requests that brought one (cookie or header), responses that carried
 * a new one. Ordered outside the starter's filter ({@code HIGHEST_PRECEDENCE + 100}), so the response it inspects
 * already has the token the starter added.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 50)
public class TokenCounters extends OncePerRequestFilter {

    private final LongAdder received = new LongAdder();
    private final LongAdder issued = new LongAdder();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (carriesToken(request)) {
            received.increment();
        }
        try {
            chain.doFilter(request, response);
        } finally {
            if (response.containsHeader("X-Consistency-Token")) {
                issued.increment();
            }
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return uri.startsWith("/dashboard") || uri.startsWith("/webjars/") || uri.startsWith("/css/")
                || uri.startsWith("/actuator");
    }

    public long received() {
        return received.sum();
    }

    public long issued() {
        return issued.sum();
    }

    private static boolean carriesToken(HttpServletRequest request) {
        if (request.getHeader("X-Consistency-Token") != null) {
            return true;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if ("consistency-token".equals(c.getName())) {
                    return true;
                }
            }
        }
        return false;
    }
}
