package io.replicarouter.internal.jdbc;

import io.replicarouter.NodeRole;
import io.replicarouter.RouteReason;
import io.replicarouter.RoutingListener;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.TestNodes;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a callable statement's execution reports to the listener, and that nothing is made without one. */
class ExecutionHookTest {

    private final Node primary = TestNodes.node(0, "primary", NodeRole.PRIMARY);

    @Test
    void noListenerNoHook() {
        assertThat(ExecutionHook.reporting(RoutingListener.NONE, primary, RouteReason.PRIMARY_ONLY_API)).isNull();
    }

    @Test
    void eachExecutionIsAFirstAttemptOfAWriteWithTheDriversSqlState() {
        List<String> events = new ArrayList<>();
        List<Long> elapsed = new ArrayList<>();
        ExecutionHook hook = ExecutionHook.reporting(new RoutingListener() {
            @Override
            public void executed(String node, RouteReason reason, boolean write, long elapsedNanos, String sqlState,
                                 int attempt) {
                events.add(node + " " + reason + " write=" + write + " " + sqlState + " #" + attempt);
                elapsed.add(elapsedNanos);
            }
        }, primary, RouteReason.TX_READ_WRITE);
        long start = System.nanoTime();
        hook.executed(start, null);
        hook.executed(start, new SQLException("no such function", "42883"));
        hook.executed(start, new SQLException("no state"));
        long bound = System.nanoTime() - start;
        assertThat(events).containsExactly(
                "primary TX_READ_WRITE write=true null #1",
                "primary TX_READ_WRITE write=true 42883 #1",
                "primary TX_READ_WRITE write=true  #1");
        assertThat(elapsed).allMatch(e -> e >= 0 && e <= bound);
    }
}
