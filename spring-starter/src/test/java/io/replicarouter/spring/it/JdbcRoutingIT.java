package io.replicarouter.spring.it;

import io.replicarouter.spring.it.jdbc.JdbcTestApp;
import io.replicarouter.spring.it.jdbc.JdbcWhereService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Routing in a JDBC-only application: transactions by DataSourceTransactionManager (JdbcTransactionManager). */
@SpringBootTest(classes = JdbcTestApp.class, properties = "spring.flyway.enabled=false")
class JdbcRoutingIT {

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        SharedCluster.properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    @Autowired
    JdbcWhereService where;
    @Autowired
    SharedCluster.Recorder recorder;
    @Autowired
    PlatformTransactionManager transactionManager;

    @BeforeEach
    void setUp() {
        SharedCluster.get().reset();
        recorder.drain();
    }

    @Test
    void readOnlyOnOneReplicaReadWriteOnThePrimaryAutocommitReadsOnReplicas() {
        assertThat(transactionManager).isInstanceOf(JdbcTransactionManager.class);

        List<String> readOnly = where.readOnly().stream().map(SharedCluster::nodeOfPort).toList();
        assertThat(readOnly).hasSize(3).containsOnly(readOnly.get(0));
        assertThat(readOnly.get(0)).startsWith("replica");
        assertThat(recorder.drain()).containsOnly(readOnly.get(0) + ":TX_READ_ONLY");

        assertThat(where.readWrite().stream().map(SharedCluster::nodeOfPort)).containsOnly("primary");
        assertThat(recorder.drain()).isNotEmpty().containsOnly("primary:TX_READ_WRITE");

        assertThat(SharedCluster.nodeOfPort(where.autocommitRead())).startsWith("replica");
        assertThat(recorder.drain()).hasSize(1).allMatch(e -> e.startsWith("replica") && e.endsWith(":READ"));
    }
}
