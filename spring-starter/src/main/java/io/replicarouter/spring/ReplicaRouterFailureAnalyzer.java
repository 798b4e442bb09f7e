package io.replicarouter.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a refused replica-router setting into Spring Boot's start-up report: the property, the value, the fix. */
class ReplicaRouterFailureAnalyzer extends AbstractFailureAnalyzer<ReplicaRouterConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ReplicaRouterConfigurationException cause) {
        String description = "The replica router could not be configured: "
                + (cause.getValue() == null ? "property '" + cause.getProperty() + "' is not set."
                : "invalid value '" + cause.getValue() + "' for property '" + cause.getProperty() + "'.")
                + System.lineSeparator() + System.lineSeparator() + "Reason: " + cause.getReason();
        String action = "Update '" + cause.getProperty() + "' in your configuration, or set"
                + " replica-router.enabled=false to leave the DataSource to Spring Boot.";
        return new FailureAnalysis(description, action, cause);
    }
}
