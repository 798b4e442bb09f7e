package io.replicarouter.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.replicarouter.ProbeFailure;
import io.replicarouter.RoutingListener;
import io.replicarouter.spring.actuate.PrimaryHealthIndicator;
import io.replicarouter.spring.actuate.ReplicaRouterEndpoint;
import io.replicarouter.spring.actuate.ReplicaRouterEndpointAutoConfiguration;
import io.replicarouter.spring.actuate.ReplicaRouterHealthAutoConfiguration;
import io.replicarouter.spring.actuate.ReplicaRouterHealthContributor;
import io.replicarouter.spring.actuate.WritableReplicaRouterEndpoint;
import io.replicarouter.spring.embedded.EmbeddedReplicaCluster;
import io.replicarouter.spring.embedded.ReplicaRouterEmbeddedAutoConfiguration;
import io.replicarouter.spring.metrics.RoutingMeterBinder;
import io.replicarouter.spring.metrics.RoutingMetricsListener;
import io.replicarouter.spring.metrics.ReplicaRouterMetricsAutoConfiguration;
import io.replicarouter.embedded.EmbeddedCluster;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations auto-configurations without servers: which beans each condition gives, and the start-up checks.
 * Nodes point at ports of 127.0.0.1 where nothing listens (the router starts while its nodes are down).
 */
class ReplicaRouterOperationsAutoConfigurationTest {

    private static final String PRIMARY = "jdbc:postgresql://127.0.0.1:1/app";
    private static final String REPLICA = "jdbc:postgresql://127.0.0.1:2/app";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                    ReplicaRouterListenersAutoConfiguration.class, ReplicaRouterChecksAutoConfiguration.class,
                    ReplicaRouterHealthAutoConfiguration.class, ReplicaRouterEndpointAutoConfiguration.class,
                    ReplicaRouterMetricsAutoConfiguration.class, ReplicaRouterEmbeddedAutoConfiguration.class,
                    DataSourceAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=" + PRIMARY, "spring.datasource.username=app",
                    "spring.datasource.password=pw", "replica-router.probe-timeout=200ms",
                    "replica-router.replicas[0].url=" + REPLICA);

    private final ApplicationContextRunner withMetrics = runner.withConfiguration(AutoConfigurations.of(
            MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class));

    // ---- health ----

    @Test
    void healthGroupAndThePrimarysDbIndicatorReplaceBootsDbIndicator() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ReplicaRouterHealthContributor.class);
            assertThat(context).hasBean("replicaRouterHealthContributor");
            assertThat(context.getBean("dbHealthContributor")).isInstanceOf(PrimaryHealthIndicator.class);
            assertThat(context.getBeansOfType(HealthContributor.class).values())
                    .noneMatch(c -> c.getClass().getName().contains("DataSourceHealthIndicator"));
        });
    }

    @Test
    void withoutTheActuatorThereIsNoHealthAndNoEndpoint() {
        runner.withClassLoader(new FilteredClassLoader(HealthContributor.class, Endpoint.class))
                .withPropertyValues("management.endpoints.web.exposure.include=*")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ReplicaRouterHealthContributor.class);
                    assertThat(context).doesNotHaveBean(PrimaryHealthIndicator.class);
                    assertThat(context).doesNotHaveBean(ReplicaRouterEndpoint.class);
                });
    }

    @Test
    void healthIndicatorsCanBeTurnedOff() {
        runner.withPropertyValues("management.health.replicarouter.enabled=false", "management.health.db.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(ReplicaRouterHealthContributor.class);
                    assertThat(context).doesNotHaveBean(PrimaryHealthIndicator.class);
                });
    }

    @Test
    void withoutTheRouterThereIsNoRouterHealth() {
        runner.withPropertyValues("replica-router.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(ReplicaRouterHealthContributor.class);
            assertThat(context).doesNotHaveBean(PrimaryHealthIndicator.class);
        });
    }

    // ---- endpoint ----

    @Test
    void theEndpointIsAbsentUntilExposed() {
        runner.run(context -> assertThat(context).doesNotHaveBean(ReplicaRouterEndpoint.class));
    }

    @Test
    void anExposedEndpointIsReadOnlyByDefault() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health,replicarouter").run(context -> {
            assertThat(context).hasSingleBean(ReplicaRouterEndpoint.class);
            assertThat(context).doesNotHaveBean(WritableReplicaRouterEndpoint.class);
            ReplicaRouterEndpoint.Topology t = context.getBean(ReplicaRouterEndpoint.class).topology();
            assertThat(t.nodes()).extracting(ReplicaRouterEndpoint.Node::name).containsExactly("primary", "replica1");
            assertThat(t.nodes()).allSatisfy(n -> assertThat(n.statements()).isNull()); // no metrics listener
            assertThat(t.nodes()).extracting(ReplicaRouterEndpoint.Node::url).containsExactly(PRIMARY, REPLICA);
            assertThat(t.nodes()).allSatisfy(n -> assertThat(n.fenceCause()).isNull());
            // The router's own settings, defaults filled in, and the property that changed one.
            assertThat(t.settings().probeTimeout()).isEqualTo("PT0.2S");
            assertThat(t.settings().maxLag()).isEqualTo("PT1S");
            assertThat(t.settings().consistency()).isEqualTo("READ_YOUR_WRITES");
            assertThat(t.settings().tokensSigned()).isFalse();
            assertThat(context.getBean(ReplicaRouterEndpoint.class).node("nowhere")).isNull();
        });
    }

    @Test
    void writeOperationsOnlyWhenEnabled() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=replicarouter",
                "replica-router.endpoint.write-enabled=true").run(context -> {
                    assertThat(context).hasSingleBean(WritableReplicaRouterEndpoint.class);
                    WritableReplicaRouterEndpoint endpoint = context.getBean(WritableReplicaRouterEndpoint.class);
                    // The node does not answer, so its state is UNREACHABLE (which comes before DRAINED), but the
                    // drained flag shows; OperationsIT shows where reads go.
                    assertThat(endpoint.drain("replica1", "drain").drained()).as("drained, whatever its state").isTrue();
                    assertThat(endpoint.drain("replica1", "undrain").drained()).isFalse();
                    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> endpoint.drain("nowhere", "drain")))
                            .hasMessageContaining("nowhere").hasMessageContaining("replica1");
                    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> endpoint.drain("replica1", "x")))
                            .hasMessageContaining("drain or undrain");
                });
    }

    @Test
    void theDiscoveredEndpointHasItsWriteOperationOnlyWhenEnabled() {
        ApplicationContextRunner jmx = runner.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class,
                EndpointAutoConfiguration.class, JmxEndpointAutoConfiguration.class))
                .withPropertyValues("spring.jmx.enabled=true", "spring.jmx.unique-names=true",
                        "management.endpoints.jmx.exposure.include=replicarouter");
        jmx.run(context -> assertThat(operations(context)).containsExactlyInAnyOrder("topology", "node"));
        jmx.withPropertyValues("replica-router.endpoint.write-enabled=true").run(context ->
                assertThat(operations(context)).containsExactlyInAnyOrder("topology", "node", "drain"));
        jmx.withPropertyValues("replica-router.endpoint.write-enabled=true",
                "management.endpoint.replicarouter.access=READ_ONLY").run(context ->
                assertThat(operations(context)).containsExactlyInAnyOrder("topology", "node"));
    }

    /** The operations of the endpoint's MBean, as the actuator discovered them. */
    private static List<String> operations(AssertableApplicationContext context) throws Exception {
        assertThat(context).hasNotFailed();
        MBeanServer server = context.getBean(MBeanServer.class);
        Set<ObjectName> names = server.queryNames(new ObjectName("*:type=Endpoint,name=Replicarouter,*"), null);
        assertThat(names).hasSize(1);
        return Arrays.stream(server.getMBeanInfo(names.iterator().next()).getOperations())
                .map(MBeanOperationInfo::getName).toList();
    }

    // ---- metrics ----

    @Test
    void noMetricsWithoutAMeterRegistry() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(RoutingMetricsListener.class);
            assertThat(context).doesNotHaveBean(RoutingMeterBinder.class);
        });
    }

    @Test
    void metricsWithAMeterRegistryBesideTheApplicationsListener() {
        List<String> heard = new CopyOnWriteArrayList<>();
        RoutingListener mine = new RoutingListener() {
            @Override
            public void nodeUnreachable(String node, ProbeFailure failure, String detail, int aborted) {
                heard.add(node);
            }
        };
        withMetrics.withBean("myListener", RoutingListener.class, () -> mine).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(RoutingMetricsListener.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            // The monitor's first round (while the router is built) found both nodes unanswering: both listeners
            // heard it.
            assertThat(heard).contains("primary", "replica1");
            assertThat(registry.get("replica.router.probe.failures").tags("node", "replica1", "failure",
                    "no_answer").functionCounter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("replica.router.lag.bytes").gauges()).hasSize(2);
            assertThat(registry.get("replica.router.node.serving").tag("node", "primary").gauge().value()).isZero();
        });
    }

    @Test
    void aCustomizerThatSetsAListenerKeepsTheMetricsListener() {
        List<String> heard = new CopyOnWriteArrayList<>();
        RoutingListener mine = new RoutingListener() {
            @Override
            public void nodeUnreachable(String node, ProbeFailure failure, String detail, int aborted) {
                heard.add(node);
            }
        };
        withMetrics.withBean("myCustomizer", RoutingDataSourceCustomizer.class, () -> builder -> builder.listener(mine))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(RoutingMetricsListener.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    // Both heard the first monitor round: the customizer's listener was added, not set instead.
                    assertThat(heard).contains("primary", "replica1");
                    assertThat(registry.get("replica.router.probe.failures").tags("node", "replica1", "failure",
                            "no_answer").functionCounter().count()).isGreaterThanOrEqualTo(1);
                });
    }

    @Test
    void metricsCanBeTurnedOff() {
        withMetrics.withPropertyValues("replica-router.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(RoutingMetricsListener.class));
    }

    // ---- dev services ----

    @Test
    void devServicesAreOffByDefault() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(EmbeddedReplicaCluster.class);
            assertThat(context.getEnvironment().getPropertySources().contains("replicaRouterEmbeddedCluster"))
                    .isFalse();
        });
    }

    @Test
    void devServicesNeedTheEmbeddedCluster() {
        runner.withClassLoader(new FilteredClassLoader(EmbeddedCluster.class))
                .withPropertyValues("replica-router.embedded.enabled=true")
                .run(context -> assertThat(context).doesNotHaveBean(EmbeddedReplicaCluster.class));
    }

    @Test
    void devServicesOutsideSpringApplicationSayWhy() {
        runner.withPropertyValues("replica-router.embedded.enabled=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("SpringApplication");
        });
    }

    // ---- start-up checks ----

    @Test
    void replicasRequiredAndNoneConfigured() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                        ReplicaRouterChecksAutoConfiguration.class, DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + PRIMARY, "replica-router.no-replica-policy=fail")
                .run(context -> {
                    ReplicaRouterConfigurationException e = configurationFailure(context);
                    assertThat(e.getProperty()).isEqualTo("replica-router.replicas");
                    assertThat(e.getReason()).contains("no-replica-policy");
                    FailureAnalysis analysis = new ReplicaRouterFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getAction()).contains("replica-router.replicas");
                });
    }

    @Test
    void withoutTheFailPolicyNoReplicasIsNoMistake() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                        ReplicaRouterChecksAutoConfiguration.class, DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + PRIMARY)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void oneDiscoveredNodeWithTheFailPolicy() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
                        ReplicaRouterChecksAutoConfiguration.class, DataSourceAutoConfiguration.class))
                .withPropertyValues("replica-router.nodes[0].url=" + PRIMARY, "replica-router.no-replica-policy=FAIL",
                        "replica-router.probe-timeout=200ms")
                .run(context -> assertThat(configurationFailure(context).getProperty())
                        .isEqualTo("replica-router.nodes"));
    }

    @Test
    void aReplicaUrlThatIsThePrimarys() {
        runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://localhost:1/app?password=s3cr3t")
                .run(context -> {
                    ReplicaRouterConfigurationException e = configurationFailure(context);
                    assertThat(e.getProperty()).isEqualTo("replica-router.replicas[0].url");
                    assertThat(e.getValue()).isEqualTo("jdbc:postgresql://localhost:1/app?password=***");
                    assertThat(e.getReason()).contains("primary's own URL");
                });
    }

    @Test
    void anUnparsableDurationNamesThePropertyTheValueAndTheFormat() {
        runner.withPropertyValues("replica-router.max-lag=soon").run(context -> {
            BindException e = failure(context, BindException.class);
            FailureAnalysis analysis = new ReplicaRouterBindFailureAnalyzer().analyze(e);
            assertThat(analysis.getDescription()).contains("'soon'").contains("replica-router.max-lag")
                    .contains("500ms");
            assertThat(analysis.getAction()).contains("replica-router.max-lag");
        });
        runner.withPropertyValues("replica-router.max-lag-bytes=lots").run(context -> assertThat(
                new ReplicaRouterBindFailureAnalyzer().analyze(failure(context, BindException.class))
                        .getDescription()).contains("'lots'").contains("16MB"));
        runner.withPropertyValues("replica-router.consistency=sometimes").run(context -> assertThat(
                new ReplicaRouterBindFailureAnalyzer().analyze(failure(context, BindException.class))
                        .getDescription()).contains("READ_YOUR_WRITES"));
    }

    @Test
    void otherPropertiesAreLeftToBootsAnalysis() {
        runner.withPropertyValues("spring.datasource.hikari.connection-timeout=never").run(context -> assertThat(
                new ReplicaRouterBindFailureAnalyzer().analyze(failure(context, BindException.class))).isNull());
    }

    private static ReplicaRouterConfigurationException configurationFailure(AssertableApplicationContext context) {
        return failure(context, ReplicaRouterConfigurationException.class);
    }

    private static <T extends Throwable> T failure(AssertableApplicationContext context, Class<T> type) {
        assertThat(context).hasFailed();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + context.getStartupFailure());
    }
}
