package io.replicarouter.spring.it.jdbc;

import io.replicarouter.spring.RoutingDataSourceCustomizer;
import io.replicarouter.spring.it.SharedCluster;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** A JDBC-only application (DataSourceTransactionManager), for routing, Flyway and sql.init tests. */
@SpringBootApplication(exclude = {HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class})
public class JdbcTestApp {

    @Bean
    SharedCluster.Recorder recorder() {
        return new SharedCluster.Recorder();
    }

    @Bean
    RoutingDataSourceCustomizer recordingCustomizer(SharedCluster.Recorder recorder) {
        return builder -> builder.listener(recorder);
    }
}
