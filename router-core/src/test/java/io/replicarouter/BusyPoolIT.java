package io.replicarouter;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.embedded.junit.WithEmbeddedCluster;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A node whose pool is exhausted is busy, not dead: never marked down, reads never spill to the primary. */
@WithEmbeddedCluster(replicas = 2)
class BusyPoolIT {

    @Test
    void exhaustedReplicaPoolsAreNotTakenForDeadNodes(EmbeddedCluster cluster) throws Exception {
        List<String> down = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger exhausted = new AtomicInteger();
        List<Integer> ports = Collections.synchronizedList(new ArrayList<>());
        RoutingListener listener = new RoutingListener() {
            @Override
            public void nodeDown(String node, SQLException cause) {
                down.add(node);
            }

            @Override
            public void poolExhausted(String node) {
                exhausted.incrementAndGet();
            }
        };
        RoutingDataSourceBuilder b = ClusterFixture.byUrl(cluster).listener(listener).poolSize(2)
                .poolCustomizer(c -> c.setConnectionTimeout(250)); // the shortest wait HikariCP allows
        ListAppender<ILoggingEvent> log = ConsistencyGapsIT.capture();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger busyErrors = new AtomicInteger();
        AtomicLong worstNanos = new AtomicLong();
        try (RoutingDataSource ds = b.build()) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> workers = new ArrayList<>();
            // 20 readers of 100 ms over 2 replicas x 2 connections: a borrow waits about (20 / 4 - 1) x 100 ms on
            // average, beyond the 250 ms pool timeout, so exhaustion is certain and not left to HikariCP's unfairness
            // (with 10 readers of 50 ms the average wait was 75 ms, and a run on a quiet machine saw none)
            for (int t = 0; t < 20; t++) {
                Thread w = new Thread(() -> {
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                             ResultSet rs = s.executeQuery("SELECT inet_server_port(), pg_sleep(0.1)")) {
                            rs.next();
                            ports.add(rs.getInt(1));
                            reads.incrementAndGet();
                        } catch (SQLTransientConnectionException e) {
                            busyErrors.incrementAndGet(); // every replica's pool was exhausted: a bounded wait
                            if (!e.getMessage().contains("pool exhausted") || !e.getMessage().contains("[replica")) {
                                unexpected.add(e);
                            }
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                        worstNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    }
                });
                w.start();
                workers.add(w);
            }
            Thread.sleep(4_000);
            stop.set(true);
            for (Thread w : workers) {
                w.join(10_000);
            }
        } finally {
            ConsistencyGapsIT.release(log);
        }
        assertThat(unexpected).isEmpty();
        assertThat(exhausted.get()).as("the pools really were exhausted").isPositive();
        assertThat(down).as("node-down events").isEmpty();
        assertThat(ConsistencyGapsIT.warnings(log, "marked down")).isZero();
        assertThat(ports).as("reads on the primary").doesNotContain(cluster.primary().port());
        assertThat(reads.get()).isGreaterThan(100);
        // One pool wait, then another replica or the pool's error: never a chain of waits and retries.
        assertThat(worstNanos.get() / 1_000_000).isLessThan(2_000);
    }
}
