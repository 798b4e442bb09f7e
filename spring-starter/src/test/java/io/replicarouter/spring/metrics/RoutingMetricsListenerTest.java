package io.replicarouter.spring.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.replicarouter.EjectionCause;
import io.replicarouter.FenceCause;
import io.replicarouter.ProbeFailure;
import io.replicarouter.RouteReason;
import io.replicarouter.TokenProblem;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Counting and exporting the router's events, without a router. */
class RoutingMetricsListenerTest {

    private final RoutingMetricsListener listener = new RoutingMetricsListener();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private void bind() {
        listener.subscribe(cell -> {
            // the same registration the binder does, without a router
            new RoutingMeterBinderAccess(registry).register(cell);
        });
    }

    @Test
    void statementsAreCountedAndTimedByNodeReasonAndType() {
        bind();
        listener.executed("replica1", RouteReason.READ, false, 1_000_000, null, 1);
        listener.executed("replica1", RouteReason.READ, false, 3_000_000, null, 1);
        listener.executed("primary", RouteReason.WRITE, true, 2_000_000, null, 1);
        listener.executed("primary", RouteReason.TX_READ_WRITE, false, 1_000, null, 1);

        FunctionTimer reads = registry.get("replica.router.statements").tags("node", "replica1", "reason", "read",
                "type", "read").functionTimer();
        assertThat(reads.count()).isEqualTo(2);
        assertThat(reads.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4.0);
        assertThat(registry.get("replica.router.statements").tags("node", "primary", "reason", "write", "type",
                "write").functionTimer().count()).isEqualTo(1);
        assertThat(registry.get("replica.router.statements").functionTimers()).hasSize(3);
        assertThat(listener.statements("primary")).containsEntry("write", 1L).containsEntry("tx_read_write", 1L);
        assertThat(listener.statements("replica1")).containsExactly(java.util.Map.entry("read", 2L));
        assertThat(listener.statements("nowhere")).isEmpty();
    }

    @Test
    void cellsCreatedBeforeTheRegistryIsBoundAreExportedWhenItIs() {
        listener.executed("replica1", RouteReason.READ, false, 10, null, 1);
        listener.replicaEjected("replica1", EjectionCause.LAG_TIME, "lag 1250 ms");
        bind();
        listener.replicaEjected("replica1", EjectionCause.LAG_TIME, "lag 1300 ms");
        assertThat(registry.get("replica.router.statements").functionTimer().count()).isEqualTo(1);
        assertThat(counter("replica.router.ejections", "node", "replica1", "cause", "lag_time").count())
                .isEqualTo(2);
    }

    @Test
    void failuresByTheirSqlStateClassBounded() {
        bind();
        listener.executed("replica1", RouteReason.READ, false, 10, "08006", 1);
        listener.executed("replica1", RouteReason.RETRY, false, 10, "08001", 2);
        listener.executed("replica1", RouteReason.READ, false, 10, "40001", 1);
        listener.executed("replica1", RouteReason.READ, false, 10, "", 1);
        listener.executed("replica1", RouteReason.READ, false, 10, "ZZ999", 1);
        listener.executed("replica1", RouteReason.READ, false, 10, "Q", 1);
        assertThat(counter("replica.router.statement.errors", "node", "replica1", "sqlstate.class", "08").count())
                .isEqualTo(2);
        assertThat(counter("replica.router.statement.errors", "node", "replica1", "sqlstate.class", "40").count())
                .isEqualTo(1);
        assertThat(counter("replica.router.statement.errors", "node", "replica1", "sqlstate.class", "none").count())
                .isEqualTo(2);
        assertThat(counter("replica.router.statement.errors", "node", "replica1", "sqlstate.class", "other").count())
                .isEqualTo(1);
    }

    @Test
    void fallbacksToThePrimaryByReason() {
        bind();
        listener.executed("primary", RouteReason.NO_REPLICA_FALLBACK, false, 10, null, 1);
        listener.executed("primary", RouteReason.CONSISTENCY_FALLBACK, false, 10, null, 1);
        listener.executed("primary", RouteReason.CONSISTENCY_FALLBACK, false, 10, null, 1);
        listener.executed("primary", RouteReason.READ, false, 10, null, 1);
        assertThat(counter("replica.router.fallbacks", "reason", "no_replica").count()).isEqualTo(1);
        assertThat(counter("replica.router.fallbacks", "reason", "consistency").count()).isEqualTo(2);
    }

    @Test
    void monitorAndTokenEventsWithTheirEnumTags() {
        bind();
        listener.retried("replica1", "replica2", new SQLException("gone", "08006"));
        listener.nodeDown("replica1", new SQLException("gone", "08006"));
        listener.poolExhausted("replica2");
        listener.nodeUnreachable("replica1", ProbeFailure.NO_ANSWER, "probe timed out", 3);
        listener.replicaEjected("replica1", EjectionCause.UNREACHABLE, "probe timed out");
        listener.replicaReadmitted("replica1");
        listener.nodeFenced("replica2", FenceCause.OTHER_CLUSTER, "system identifier 1");
        listener.primaryChanged("primary", null);
        listener.consistencyWait("replica2", 2_000_000, true);
        listener.consistencyWait(null, 10_000_000, false);
        listener.tokenIgnored(TokenProblem.BAD_SIGNATURE, "tampered");
        listener.tokenIgnored(TokenProblem.BAD_SIGNATURE, "tampered");

        assertThat(counter("replica.router.retries", "node", "replica1").count()).isEqualTo(1);
        assertThat(counter("replica.router.node.failures", "node", "replica1").count()).isEqualTo(1);
        assertThat(counter("replica.router.pool.exhausted", "node", "replica2").count()).isEqualTo(1);
        assertThat(counter("replica.router.probe.failures", "node", "replica1", "failure", "no_answer").count())
                .isEqualTo(1);
        assertThat(counter("replica.router.ejections", "node", "replica1", "cause", "unreachable").count())
                .isEqualTo(1);
        assertThat(counter("replica.router.readmissions", "node", "replica1").count()).isEqualTo(1);
        assertThat(counter("replica.router.fences", "node", "replica2", "cause", "other_cluster").count())
                .isEqualTo(1);
        assertThat(registry.get("replica.router.primary.changes").functionCounter().count()).isEqualTo(1);
        FunctionTimer waited = registry.get("replica.router.consistency.waits").tags("node", "replica2",
                "satisfied", "true").functionTimer();
        assertThat(waited.count()).isEqualTo(1);
        assertThat(waited.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2.0);
        assertThat(registry.get("replica.router.consistency.waits").tags("node", "none", "satisfied", "false")
                .functionTimer().count()).isEqualTo(1);
        assertThat(counter("replica.router.tokens.ignored", "problem", "bad_signature").count()).isEqualTo(2);
    }

    @Test
    void nodeNamesAreBounded() {
        bind();
        for (int i = 0; i < RoutingMetricsListener.MAX_NODES + 10; i++) {
            listener.executed("n" + i, RouteReason.READ, false, 10, null, 1);
        }
        List<String> nodes = new ArrayList<>();
        registry.get("replica.router.statements").functionTimers().forEach(t -> nodes.add(t.getId().getTag("node")));
        assertThat(nodes).hasSize(RoutingMetricsListener.MAX_NODES + 1).contains("other");
        assertThat(registry.get("replica.router.statements").tags("node", "other").functionTimer().count())
                .isEqualTo(10);
    }

    @Test
    void equalNamesThatAreOtherStringsFindTheSameCounters() {
        bind();
        listener.executed("replica1", RouteReason.READ, false, 10, null, 1);
        listener.executed(new String("replica1"), RouteReason.READ, false, 10, null, 1);
        assertThat(registry.get("replica.router.statements").functionTimer().count()).isEqualTo(2);
    }

    private FunctionCounter counter(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter();
    }

    /** The binder's registration of one cell. */
    private record RoutingMeterBinderAccess(SimpleMeterRegistry registry) {
        void register(RoutingMetricsListener.Cell cell) {
            RoutingMeterBinder.register(registry, cell);
        }
    }
}
