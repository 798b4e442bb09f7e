package io.replicarouter.spring;

import io.replicarouter.RoutingDataSource;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Start-up checks for the common mistakes, each failing the start with the property and the value: reads required
 * on replicas ({@code no-replica-policy=FAIL}) and none configured; a replica URL that is the primary's; and, from
 * the monitor's first round, a node of another cluster, a primary URL that reaches a standby, a replica URL that
 * reaches a primary ({@code replica-router.verify-nodes=false} turns the last three off).
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class)
@ConditionalOnClass(RoutingDataSource.class)
@ConditionalOnBooleanProperty(name = "replica-router.enabled", matchIfMissing = true)
public final class ReplicaRouterChecksAutoConfiguration {

    /** The starter stayed off for want of nodes, while the application requires replicas for its reads. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(NoRouterNodesCondition.class)
    @ConditionalOnProperty(name = "replica-router.no-replica-policy", havingValue = "fail")
    static class ReplicasRequiredConfiguration {

        @Bean
        InitializingBean replicaRouterReplicasRequired() {
            return () -> {
                throw new ReplicaRouterConfigurationException("replica-router.replicas", null,
                        "replica-router.no-replica-policy is FAIL, so reads need a replica, and neither"
                                + " replica-router.replicas nor replica-router.nodes lists one (the starter would"
                                + " leave the application on Spring Boot's DataSource, reading from the primary)."
                                + " List the replicas, or remove replica-router.no-replica-policy.");
            };
        }
    }

    /** The router was built: check its nodes. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean({RoutingDataSource.class, RouterNodes.class})
    static class NodeChecksConfiguration {

        @Bean
        InitializingBean replicaRouterNodeChecks(RouterNodes nodes, RoutingDataSource router,
                                                 org.springframework.core.env.Environment environment) {
            boolean verifyNodes = environment.getProperty("replica-router.verify-nodes", Boolean.class, true);
            return () -> {
                NodeVerifier.verifyConfiguration(nodes, router.settings().noReplicaPolicy());
                if (verifyNodes) {
                    NodeVerifier.verifyTopology(nodes, router);
                }
            };
        }
    }

    /** The opposite of {@link OnRouterNodesCondition}: no replicas and no nodes are configured. */
    static class NoRouterNodesCondition extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ConditionOutcome nodes = new OnRouterNodesCondition().getMatchOutcome(context, metadata);
            return new ConditionOutcome(!nodes.isMatch(), nodes.getConditionMessage());
        }
    }
}
