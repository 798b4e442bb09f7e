package io.replicarouter.spring.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The consistency-token filter of servlet web applications: a request resumes the token it carries (header or
 * cookie), and a response to a request that wrote carries the new one back.
 */
@ConfigurationProperties("replica-router.web")
public class ReplicaRouterWebProperties {

    /** Whether the consistency-token filter is registered (servlet web applications only). */
    private boolean enabled = true;

    /** Request and response header that carries the consistency token. */
    private String header = "X-Consistency-Token";

    /**
     * Order of the filter among the servlet filters: early, so that Spring Security's filters (-100) and every
     * later filter run in the request's scope, and inside observation (highest precedence + 1) and Spring Session
     * (highest precedence + 50).
     */
    private int filterOrder = ConsistencyTokenFilter.DEFAULT_ORDER;

    private final Cookie cookie = new Cookie();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getHeader() {
        return header;
    }

    public void setHeader(String header) {
        this.header = header;
    }

    public int getFilterOrder() {
        return filterOrder;
    }

    public void setFilterOrder(int filterOrder) {
        this.filterOrder = filterOrder;
    }

    public Cookie getCookie() {
        return cookie;
    }

    /** The cookie that carries the token for browsers (HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS). */
    public static class Cookie {

        /** Whether the token is also sent as a cookie, and read from one when the request has no header. */
        private boolean enabled = true;

        /** Name of the cookie. */
        private String name = "consistency-token";

        /**
         * How long the browser keeps the cookie. It only has to outlive the replicas' lag: once every eligible
         * replica has replayed the write (within replica-router.max-lag), the token changes nothing. Keep it at
         * least replica-router.max-lag.
         */
        private Duration maxAge = Duration.ofMinutes(5);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }
}
