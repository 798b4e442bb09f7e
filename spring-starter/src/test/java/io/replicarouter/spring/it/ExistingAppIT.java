package io.replicarouter.spring.it;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.spring.RoutingDataSourceCustomizer;
import io.replicarouter.spring.existingapp.ForumApplication;
import io.replicarouter.spring.existingapp.Topic;
import io.replicarouter.spring.existingapp.TopicRepository;
import io.replicarouter.spring.existingapp.TopicService;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import javax.sql.DataSource;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An existing JPA application gains replica reads from the dependency and properties alone. Only the test's
 * harness adds a listener (through a customizer bean registered from outside) to see where statements ran.
 */
class ExistingAppIT {

    @Test
    void theAppReadsFromReplicasWithNoCodeChange() {
        SharedCluster.get().reset();
        SharedCluster.Recorder recorder = new SharedCluster.Recorder();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ForumApplication.class)
                .web(WebApplicationType.NONE)
                .initializers(ctx -> ((GenericApplicationContext) ctx).registerBean("harnessListener",
                        RoutingDataSourceCustomizer.class, () -> builder -> builder.listener(recorder)))
                .run(SharedCluster.args("spring.application.name=forum",
                        "spring.flyway.locations=classpath:existingapp/db",
                        "spring.flyway.table=forum_schema_history"))) {
            assertThat(app.getBean(DataSource.class)).isInstanceOf(RoutingDataSource.class);
            RoutingDataSource router = app.getBean(RoutingDataSource.class);
            assertThat(router.poolConfig("replica1").orElseThrow().getPoolName()).isEqualTo("forum-replica1");
            TopicService service = app.getBean(TopicService.class);
            TopicRepository repository = app.getBean(TopicRepository.class);
            recorder.drain();

            service.create("hello replicas");
            assertThat(recorder.drain()).isNotEmpty().containsOnly("primary:TX_READ_WRITE");
            SharedCluster.get().waitForCatchUp(Duration.ofSeconds(10));

            assertThat(service.titles()).contains("hello replicas");
            assertThat(recorder.drain()).isNotEmpty()
                    .allMatch(e -> e.startsWith("replica") && e.endsWith(":TX_READ_ONLY"));

            assertThat(repository.findByTitle("hello replicas")).extracting(Topic::getTitle)
                    .contains("hello replicas");
            assertThat(recorder.drain()).hasSize(1).allMatch(e -> e.startsWith("replica") && e.endsWith(":READ"));
        }
    }
}
