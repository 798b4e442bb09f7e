package io.replicarouter.spring.embedded;

import io.replicarouter.spring.ReplicaRouterAutoConfiguration;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

import javax.sql.DataSource;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Dev services: owns the embedded cluster that {@link EmbeddedClusterEnvironmentPostProcessor} configured, with
 * {@code replica-router.embedded.enabled=true} and {@code replica-router-embedded-cluster} on the class path. Every
 * DataSource bean depends on the cluster bean, so the servers start before the router and stop after it.
 */
@AutoConfiguration(before = ReplicaRouterAutoConfiguration.class)
@ConditionalOnClass(name = EmbeddedClusterEnvironmentPostProcessor.CLUSTER_CLASS)
@ConditionalOnBooleanProperty("replica-router.embedded.enabled")
@ConditionalOnBooleanProperty(name = "replica-router.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ReplicaRouterEmbeddedProperties.class)
public final class ReplicaRouterEmbeddedAutoConfiguration {

    static final String BEAN = "replicaRouterEmbeddedCluster";

    @Bean(name = BEAN, destroyMethod = "close")
    EmbeddedReplicaCluster replicaRouterEmbeddedCluster(ConfigurableEnvironment environment) {
        PropertySource<?> source = environment.getPropertySources().get(EmbeddedClusterPropertySource.NAME);
        if (!(source instanceof EmbeddedClusterPropertySource cluster)) {
            throw new IllegalStateException("replica-router.embedded.enabled=true, but the embedded cluster's"
                    + " properties are not in the environment: dev services work for applications started with"
                    + " SpringApplication (also @SpringBootTest), whose EnvironmentPostProcessors run");
        }
        return new EmbeddedReplicaCluster(cluster);
    }

    /** Makes every DataSource bean depend on the cluster bean: created after it, destroyed before it. */
    @Bean
    static BeanFactoryPostProcessor replicaRouterEmbeddedClusterDependency() {
        return ReplicaRouterEmbeddedAutoConfiguration::dependOnCluster;
    }

    private static void dependOnCluster(ConfigurableListableBeanFactory beanFactory) {
        for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
            BeanDefinition definition = beanFactory.getBeanDefinition(name);
            Set<String> dependsOn = new LinkedHashSet<>();
            if (definition.getDependsOn() != null) {
                dependsOn.addAll(Arrays.asList(definition.getDependsOn()));
            }
            dependsOn.add(BEAN);
            definition.setDependsOn(dependsOn.toArray(String[]::new));
        }
    }
}
