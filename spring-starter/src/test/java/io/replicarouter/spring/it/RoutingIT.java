package io.replicarouter.spring.it;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.it.app.Note;
import io.replicarouter.spring.it.app.NoteRepository;
import io.replicarouter.spring.it.app.RoutingTestApp;
import io.replicarouter.spring.it.app.WhereService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing inside a Spring JPA application: read-only transactions on one replica with JPA, JdbcTemplate and
 * JdbcClient (through JpaTransactionManager), read-write ones on the primary, repository queries without a
 * transaction on replicas. Where a statement ran: {@code inet_server_port()} and the router's listener.
 */
@SpringBootTest(classes = RoutingTestApp.class, properties = {
        "spring.flyway.locations=classpath:db/it-app", "spring.jpa.open-in-view=false"})
class RoutingIT {

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        SharedCluster.properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @Autowired
    WhereService where;
    @Autowired
    NoteRepository notes;
    @Autowired
    SharedCluster.Recorder recorder;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactionManager;

    @BeforeEach
    void setUp() {
        SharedCluster.get().reset();
        recorder.drain();
    }

    private static List<String> nodes(List<Integer> ports) {
        return ports.stream().map(SharedCluster::nodeOfPort).toList();
    }

    @Test
    void theRouterIsTheDataSourceOfJpa() {
        assertThat(dataSource).isInstanceOf(RoutingDataSource.class);
        assertThat(transactionManager).isInstanceOf(JpaTransactionManager.class);
        assertThat(((JpaTransactionManager) transactionManager).getDataSource()).isSameAs(dataSource);
    }

    @Test
    void aReadOnlyJpaTransactionRunsOnOneReplica() {
        List<String> ran = nodes(where.readOnlyJpaFirst());
        assertThat(ran).hasSize(4).allMatch(n -> n.startsWith("replica"));
        assertThat(ran).containsOnly(ran.get(0));
        List<String> events = recorder.drain();
        assertThat(events).hasSizeGreaterThanOrEqualTo(5).containsOnly(ran.get(0) + ":TX_READ_ONLY");
    }

    @Test
    void aReadOnlyTransactionStartedByJdbcRunsOnOneReplica() {
        List<String> ran = nodes(where.readOnlyJdbcFirst());
        assertThat(ran).hasSize(3).containsOnly(ran.get(0));
        assertThat(ran.get(0)).startsWith("replica");
        assertThat(recorder.drain()).containsOnly(ran.get(0) + ":TX_READ_ONLY");
    }

    @Test
    void aReadWriteTransactionRunsOnThePrimary() {
        List<String> ran = nodes(where.readWrite("rw"));
        assertThat(ran).containsOnly("primary");
        assertThat(recorder.drain()).isNotEmpty().containsOnly("primary:TX_READ_WRITE");
        assertThat(nodes(List.of(where.readWriteOnlyReads()))).containsOnly("primary");
    }

    @Test
    void repositoryQueriesWithoutATransactionAreReplicaReads() {
        where.readWrite("repo-1");
        SharedCluster.get().waitForCatchUp(Duration.ofSeconds(10));
        recorder.drain();

        assertThat(notes.findByText("repo-1")).extracting(Note::getText).containsExactly("repo-1");
        assertThat(notes.countByPrefix("repo-")).isEqualTo(1);
        String node = SharedCluster.nodeOfPort(notes.serverPort());
        assertThat(node).startsWith("replica");
        List<String> events = recorder.drain();
        assertThat(events).hasSize(3).allMatch(e -> e.startsWith("replica") && e.endsWith(":READ"));
    }

    @Test
    void crudRepositoryReadsUseAReadOnlyTransactionOnAReplica() {
        notes.findAll();
        notes.count();
        assertThat(recorder.drain()).hasSize(2).allMatch(e -> e.startsWith("replica") && e.endsWith(":TX_READ_ONLY"));
        notes.save(new Note("crud"));
        assertThat(recorder.drain()).isNotEmpty().containsOnly("primary:TX_READ_WRITE");
    }
}
