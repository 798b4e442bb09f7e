package io.replicarouter.embedded.junit;

import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.PostgresCluster;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Arrays;

/**
 * The JUnit Jupiter extension behind {@link WithEmbeddedCluster}: starts and shares clusters, undoes faults
 * between tests and resolves {@link EmbeddedCluster} / {@link PostgresCluster} parameters.
 */
public final class EmbeddedClusterExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedClusterExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        holder(context).get();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        holder(context).prepareForTest();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EmbeddedCluster.class || type == PostgresCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return holder(context).get();
    }

    private static ClusterHolder holder(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        WithEmbeddedCluster config = AnnotationSupport.findAnnotation(testClass, WithEmbeddedCluster.class)
                .orElseThrow(() -> new ExtensionConfigurationException(
                        testClass.getName() + " uses EmbeddedClusterExtension without @WithEmbeddedCluster"));
        String key = config.replicas() + "|" + config.database() + "|" + String.join(",", config.settings());
        ExtensionContext storeContext = config.scope() == WithEmbeddedCluster.Scope.JVM
                ? context.getRoot() : classContext(context);
        return storeContext.getStore(NAMESPACE)
                .computeIfAbsent(key, k -> new ClusterHolder(() -> start(config)), ClusterHolder.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static EmbeddedCluster start(WithEmbeddedCluster config) {
        EmbeddedCluster.Builder builder = EmbeddedCluster.builder()
                .replicas(config.replicas())
                .database(config.database());
        for (String setting : config.settings()) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new ExtensionConfigurationException("@WithEmbeddedCluster settings entries are name=value, was '"
                        + setting + "' in " + Arrays.toString(config.settings()));
            }
            builder.postgresSetting(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
        }
        return builder.start();
    }
}
