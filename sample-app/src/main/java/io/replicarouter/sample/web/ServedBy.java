package io.replicarouter.sample.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code X-Served-By}: which app instance answered ({@code forum.instance}, else the port it listens on), so a
 * visitor — and the two-instance test — can see nginx's round-robin.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ServedBy extends OncePerRequestFilter {

    private final String instance;

    ServedBy(@Value("${forum.instance:}") String instance) {
        this.instance = instance;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("X-Served-By", instance.isBlank() ? "port-" + request.getLocalPort() : instance);
        chain.doFilter(request, response);
    }
}
