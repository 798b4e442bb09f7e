package io.replicarouter.sample.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicarouter.sample.edge.NginxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code compose/docker-compose.yml} is not run anywhere here (no Docker engine): this keeps it valid and in step
 * with the app — services, ports, health checks, the replicas' bootstrap, and every variable the {@code external}
 * profile needs.
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of("..", "compose");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(COMPOSE.resolve("docker-compose.yml")));
        return (Map<String, Object>) doc.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) throws IOException {
        Object s = services().get(name);
        assertThat(s).as("service %s", name).isNotNull();
        return (Map<String, Object>) s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(String name) throws IOException {
        return (Map<String, Object>) service(name).get("environment");
    }

    @Test
    void theServicesAndTheirHealthChecks() throws IOException {
        assertThat(services().keySet()).containsExactlyInAnyOrder("primary", "replica1", "replica2", "app1", "app2",
                "nginx");
        for (String s : services().keySet()) {
            assertThat(service(s)).as(s).containsKey("healthcheck");
        }
    }

    @Test
    void postgres18WithItsDataWhereTheImageWantsIt() throws IOException {
        for (String s : List.of("primary", "replica1", "replica2")) {
            assertThat(service(s).get("image")).isEqualTo("postgres:18");
            assertThat(env(s).get("PGDATA")).isEqualTo("/var/lib/postgresql/18/docker");
            assertThat(service(s).get("volumes").toString()).doesNotContain("/var/lib/postgresql/data")
                    .contains(":/var/lib/postgresql");
        }
        assertThat(service("primary").get("command").toString()).contains("wal_level=replica", "max_wal_senders");
    }

    @Test
    void replicasBootstrapFromTheirSlot() throws IOException {
        String script = Files.readString(COMPOSE.resolve("replica-entrypoint.sh"));
        assertThat(script).contains("pg_basebackup", "-R -X stream -S \"$REPLICATION_SLOT\"");
        String init = Files.readString(COMPOSE.resolve("primary-init.sh"));
        for (String r : List.of("replica1", "replica2")) {
            assertThat(env(r).get("REPLICATION_SLOT")).isEqualTo(r);
            assertThat(init).contains("pg_create_physical_replication_slot('" + r + "')");
            assertThat(service(r).get("entrypoint").toString()).contains("/replica-entrypoint.sh");
        }
    }

    @Test
    void theAppsGetEveryVariableTheExternalProfileNeeds() throws IOException {
        String props = Files.readString(Path.of("src/main/resources/application-external.properties"));
        Set<String> required = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)(:[^}]*)?}").matcher(props);
        while (m.find()) {
            if (m.group(2) == null) {
                required.add(m.group(1));
            }
        }
        assertThat(required).contains("DB_PRIMARY_URL", "DB_REPLICA1_URL", "DB_REPLICA2_URL", "FORUM_TOKEN_SECRET");
        for (String app : List.of("app1", "app2")) {
            Map<String, Object> env = env(app);
            assertThat(env.keySet()).as(app).containsAll(required);
            assertThat(env.get("SPRING_PROFILES_ACTIVE")).isEqualTo("external");
            assertThat(env.get("DB_PRIMARY_URL")).isEqualTo("jdbc:postgresql://primary:5432/forum");
            assertThat(env.get("DB_REPLICA1_URL")).isEqualTo("jdbc:postgresql://replica1:5432/forum");
            assertThat(env.get("DB_REPLICA2_URL")).isEqualTo("jdbc:postgresql://replica2:5432/forum");
            assertThat(env.get("PORT")).isEqualTo("8080");
            assertThat(env.get("FORUM_INSTANCE")).isEqualTo(app);
        }
        assertThat(env("app1").get("FORUM_TOKEN_SECRET")).isEqualTo(env("app2").get("FORUM_TOKEN_SECRET"));
    }

    @Test
    void nginxPublishesOnLoopbackWithTheSameConfigAsTheLocalRun() throws IOException {
        assertThat(service("nginx").get("ports")).isEqualTo(List.of("127.0.0.1:8080:80"));
        assertThat(service("nginx").get("volumes").toString()).contains("./nginx.conf:/etc/nginx/nginx.conf");
        assertThat(Files.readString(COMPOSE.resolve("nginx.conf")))
                .as("compose/nginx.conf: regenerate with java -cp sample-app/target/classes"
                        + " io.replicarouter.sample.edge.NginxConfig --compose > compose/nginx.conf")
                .isEqualTo(NginxConfig.compose());
    }
}
