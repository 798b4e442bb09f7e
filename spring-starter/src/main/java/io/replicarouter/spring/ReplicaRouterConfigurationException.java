package io.replicarouter.spring;

/**
 * A replica-router setting (or the spring.datasource setting it builds on) has a value the router refuses. The
 * message names the property, the value (URLs without passwords, secrets not at all) and why.
 */
public class ReplicaRouterConfigurationException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String value;
    private final String reason;

    /**
     * @param property the property, as written in application.properties
     * @param value    the value as it may be shown (already redacted), or {@code null} when unset
     * @param reason   why it is refused and what to do, as sentences
     */
    public ReplicaRouterConfigurationException(String property, String value, String reason) {
        this(property, value, reason, null);
    }

    ReplicaRouterConfigurationException(String property, String value, String reason, Throwable cause) {
        super("Invalid value " + (value == null ? "(not set)" : "'" + value + "'") + " for configuration property '"
                + property + "': " + reason, cause);
        this.property = property;
        this.value = value;
        this.reason = reason;
    }

    /** The property whose value is refused. */
    public String getProperty() {
        return property;
    }

    /** The refused value as it may be shown, {@code null} when the property is not set. */
    public String getValue() {
        return value;
    }

    /** Why the value is refused. */
    public String getReason() {
        return reason;
    }
}
