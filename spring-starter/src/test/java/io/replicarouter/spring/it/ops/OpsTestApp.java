package io.replicarouter.spring.it.ops;

import io.replicarouter.spring.it.SharedCluster;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A JDBC application with the actuator and Micrometer on its class path, for health, endpoint and metrics tests. Its
 * listener is a bean (a {@code RoutingListener}), combined with the starter's metrics listener.
 */
@SpringBootApplication(exclude = {HibernateJpaAutoConfiguration.class, DataJpaRepositoriesAutoConfiguration.class})
public class OpsTestApp {

    @Bean
    SharedCluster.Recorder recorder() {
        return new SharedCluster.Recorder();
    }
}
