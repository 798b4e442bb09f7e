package io.replicarouter.spring.it.consistency;

import io.replicarouter.spring.RoutingDataSourceCustomizer;
import io.replicarouter.spring.it.SharedCluster;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * A JDBC web application for the consistency tests: endpoints that write and then commit their response in each
 * way a servlet response commits, an {@code @Async} service, and services with the routing annotations.
 */
@SpringBootApplication(exclude = {HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class})
@EnableAsync
public class ConsistencyTestApp {

    @Bean
    SharedCluster.Recorder recorder() {
        return new SharedCluster.Recorder();
    }

    @Bean
    RoutingDataSourceCustomizer recordingCustomizer(SharedCluster.Recorder recorder) {
        return builder -> builder.listener(recorder);
    }
}
