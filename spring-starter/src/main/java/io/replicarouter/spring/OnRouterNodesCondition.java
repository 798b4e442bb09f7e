package io.replicarouter.spring;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code replica-router.replicas} or {@code replica-router.nodes} has an entry: without either, adding
 * the starter changes nothing.
 */
class OnRouterNodesCondition extends SpringBootCondition {

    private static final ConfigurationPropertyName REPLICAS = ConfigurationPropertyName.of("replica-router.replicas");
    private static final ConfigurationPropertyName NODES = ConfigurationPropertyName.of("replica-router.nodes");

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition("Replica router nodes");
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
            for (ConfigurationPropertyName name : new ConfigurationPropertyName[] {REPLICAS, NODES}) {
                if (source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
                    return ConditionOutcome.match(message.found("property").items(name));
                }
            }
        }
        return ConditionOutcome.noMatch(message.didNotFind("property").items(REPLICAS, NODES));
    }
}
