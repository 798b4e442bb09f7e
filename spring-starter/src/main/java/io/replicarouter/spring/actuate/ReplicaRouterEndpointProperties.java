package io.replicarouter.spring.actuate;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the {@code replicarouter} actuator endpoint under {@code replica-router.endpoint.*}. */
@ConfigurationProperties("replica-router.endpoint")
public class ReplicaRouterEndpointProperties {

    /**
     * Whether the replicarouter endpoint offers its write operation (drain and undrain a replica, which changes where
     * reads go). Off by default: the endpoint is then read-only whatever the actuator's access settings say.
     */
    private boolean writeEnabled;

    public boolean isWriteEnabled() {
        return writeEnabled;
    }

    public void setWriteEnabled(boolean writeEnabled) {
        this.writeEnabled = writeEnabled;
    }
}
