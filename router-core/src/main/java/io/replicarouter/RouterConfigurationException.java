package io.replicarouter;

/**
 * A configuration {@link RoutingDataSourceBuilder#build()} refuses. Besides its message (which names the setting,
 * the node and the value, and says what to do) it carries them as fields, so a framework can map the problem to
 * its own property without parsing the message.
 * <p>
 * Neither the message nor {@link #value()} ever holds a credential: URLs are shown without their user info and
 * with {@code password}/{@code user} parameters as {@code ***}, node passwords not at all, and the token secret as
 * {@code (hidden)}.
 */
public final class RouterConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** {@link #value()} of the token secret, whatever it was. */
    public static final String HIDDEN = "(hidden)";

    private final String setting;
    private final String node;
    private final String value;

    RouterConfigurationException(String setting, String node, String value, String message) {
        this(setting, node, value, message, null);
    }

    RouterConfigurationException(String setting, String node, String value, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
        this.node = node;
        this.value = value;
    }

    /**
     * The builder setting refused, as its method or argument is named: {@code maxLag}, {@code tokenSecret},
     * {@code balancer}; for a node's own settings {@code name}, {@code url}, {@code weight}, {@code dataSource},
     * {@code poolCustomizer} (a customizer that threw or made the pool invalid), and {@code primary} when the
     * number of primaries is wrong.
     */
    public String setting() {
        return setting;
    }

    /**
     * The node concerned ({@code primary} for the primary given by URL), or null for a setting of the whole
     * router and for a node whose name itself is missing. Control characters of a name appear as {@code ?}.
     */
    public String node() {
        return node;
    }

    /**
     * The refused value as shown to users: {@code "null"} for a null, a URL redacted, the token secret
     * {@link #HIDDEN}, a number or Duration as {@code toString()}; null when there is no single value (no
     * primary configured, a pool customizer that failed).
     */
    public String value() {
        return value;
    }
}
