package io.replicarouter.spring.embedded;

import io.replicarouter.spring.ReplicaRouterConfigurationException;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Dev services: with {@code replica-router.embedded.enabled=true}, puts the embedded cluster's connection properties
 * first in the environment (so they win over {@code spring.datasource.*} and the configured replicas, and the
 * starter's own conditions see replicas). The cluster itself starts when the DataSource is configured
 * ({@link EmbeddedClusterPropertySource}); {@link ReplicaRouterEmbeddedAutoConfiguration} stops it with the
 * context. Runs after the application's configuration files are loaded.
 */
public final class EmbeddedClusterEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String CLUSTER_CLASS = "io.replicarouter.embedded.EmbeddedCluster";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(EmbeddedClusterPropertySource.NAME)) {
            return;
        }
        Binder binder = Binder.get(environment);
        boolean enabled = binder.bind("replica-router.embedded.enabled", Boolean.class).orElse(false)
                && binder.bind("replica-router.enabled", Boolean.class).orElse(true);
        if (!enabled) {
            return;
        }
        ClassLoader loader = application == null ? null : application.getClassLoader();
        if (!ClassUtils.isPresent(CLUSTER_CLASS, loader)) {
            throw new ReplicaRouterConfigurationException("replica-router.embedded.enabled", "true",
                    "Dev services need the embedded cluster on the class path: add the dependency"
                            + " io.replicarouter:replica-router-embedded-cluster (e.g. with scope runtime in a dev"
                            + " profile), or remove the property.");
        }
        ReplicaRouterEmbeddedProperties properties = binder.bind("replica-router.embedded",
                ReplicaRouterEmbeddedProperties.class).orElseGet(ReplicaRouterEmbeddedProperties::new);
        EmbeddedClusterPropertySource source = new EmbeddedClusterPropertySource(properties);
        environment.getPropertySources().addFirst(source);
        if (application != null) {
            // A start-up that fails before the context's beans own the cluster still stops it.
            application.addListeners(event -> {
                if (event instanceof ApplicationFailedEvent) {
                    source.close();
                }
            });
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
