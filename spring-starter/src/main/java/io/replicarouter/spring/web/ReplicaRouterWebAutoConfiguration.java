package io.replicarouter.spring.web;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.ReplicaRouterConfigurationException;
import io.replicarouter.spring.scope.ConsistencyTokens;
import io.replicarouter.spring.scope.ReplicaRouterScopeAutoConfiguration;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;

import java.time.Duration;

/**
 * Registers the {@link ConsistencyTokenFilter} in a servlet web application that has the router's
 * {@link ConsistencyTokens}, at {@code replica-router.web.filter-order} for every request and async dispatch.
 * Backs off when {@code replica-router.web.enabled=false} and when the application registers its own filter (a
 * {@code ConsistencyTokenFilter} bean or a {@code FilterRegistrationBean} of one).
 */
@AutoConfiguration(after = ReplicaRouterScopeAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({OncePerRequestFilter.class, FilterRegistrationBean.class, DispatcherType.class})
@ConditionalOnBean(ConsistencyTokens.class)
@ConditionalOnBooleanProperty(name = "replica-router.web.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ReplicaRouterWebProperties.class)
public final class ReplicaRouterWebAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ReplicaRouterWebAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(value = ConsistencyTokenFilter.class,
            parameterizedContainer = FilterRegistrationBean.class)
    FilterRegistrationBean<ConsistencyTokenFilter> replicaRouterConsistencyTokenFilter(
            ObjectProvider<ConsistencyTokens> tokens, ReplicaRouterWebProperties properties,
            ObjectProvider<RoutingDataSource> router) {
        validate(properties);
        Duration maxAge = properties.getCookie().getMaxAge();
        RoutingDataSource routing = properties.getCookie().isEnabled() ? router.getIfUnique() : null;
        // The router's own max-lag: also one a RoutingDataSourceCustomizer set.
        Duration maxLag = routing == null ? null : routing.settings().maxLag();
        if (maxLag != null && maxAge.compareTo(maxLag) < 0) {
            log.warn("replica-router.web.cookie.max-age ({}) is shorter than the router's max-lag ({}): a browser"
                    + " may drop its token while an eligible replica has not yet replayed its write", maxAge, maxLag);
        }
        ConsistencyTokenFilter filter = new ConsistencyTokenFilter(tokens::getObject, properties);
        FilterRegistrationBean<ConsistencyTokenFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName("replicaRouterConsistencyTokenFilter");
        registration.setOrder(properties.getFilterOrder());
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        return registration;
    }

    private static void validate(ReplicaRouterWebProperties properties) {
        String header = properties.getHeader();
        if (header == null || header.isEmpty() || !header.chars().allMatch(ReplicaRouterWebAutoConfiguration::tchar)) {
            throw new ReplicaRouterConfigurationException("replica-router.web.header", header,
                    "A header name is one or more of the letters, digits and !#$%&'*+-.^_`|~ (e.g."
                            + " X-Consistency-Token).");
        }
        ReplicaRouterWebProperties.Cookie cookie = properties.getCookie();
        try {
            ResponseCookie.from(cookie.getName(), "1.0").build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ReplicaRouterConfigurationException("replica-router.web.cookie.name", cookie.getName(),
                    "Not a valid cookie name (" + e.getMessage() + ").");
        }
        if (cookie.getName() == null || cookie.getName().isEmpty()) {
            throw new ReplicaRouterConfigurationException("replica-router.web.cookie.name", cookie.getName(),
                    "A cookie name must not be empty.");
        }
        Duration maxAge = cookie.getMaxAge();
        if (maxAge == null || maxAge.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ReplicaRouterConfigurationException("replica-router.web.cookie.max-age",
                    String.valueOf(maxAge), "The cookie must live at least 1s (default 5m).");
        }
    }

    /** An RFC 9110 token character. */
    private static boolean tchar(int c) {
        return c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }
}
