package io.replicarouter.sample.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicarouter.spring.ReplicaRouterProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code deploy/kubernetes/} is not applied anywhere here (no cluster): this keeps it valid and in step with the app.
 * Every variable the Deployment sets is a property the app reads (bound the way Spring Boot binds the environment),
 * the names the manifests use for each other (Pooler, Services, Secrets, the HPA's target, selectors) exist, the
 * probes reach the app's health groups on its port, and the connection budget fits the autoscaler's ceiling.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final Path RESOURCES = Path.of("src/main/resources");
    private static final Path COMPOSE = Path.of("..", "compose", "docker-compose.yml");
    /** The profile's files the app reads with {@code SPRING_PROFILES_ACTIVE=external}, the profile's first. */
    private static final List<String> PROPERTY_FILES = List.of("application-external.properties",
            "application.properties");
    /** Variables for the JVM, not for Spring. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(:[^}]*)?}");
    private static final String CNPG = "postgresql.cnpg.io/v1";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One document of a manifest file. */
    private record Manifest(String file, Map<String, Object> doc) {

        String kind() {
            return (String) doc.get("kind");
        }

        String name() {
            return (String) map(doc, "metadata").get("name");
        }

        Map<String, Object> spec() {
            return map(doc, "spec");
        }
    }

    // ---- reading

    private static Map<String, Object> kustomization() throws IOException {
        return new Yaml().load(Files.readString(DIR.resolve("kustomization.yaml")));
    }

    @SuppressWarnings("unchecked")
    private static List<Manifest> manifests() throws IOException {
        List<Manifest> all = new ArrayList<>();
        for (Object file : list(kustomization(), "resources")) {
            for (Object doc : new Yaml().loadAll(Files.readString(DIR.resolve((String) file)))) {
                if (doc != null) {
                    all.add(new Manifest((String) file, (Map<String, Object>) doc));
                }
            }
        }
        return all;
    }

    private static Manifest the(String kind) throws IOException {
        List<Manifest> of = manifests().stream().filter(m -> kind.equals(m.kind())).toList();
        assertThat(of).as("resources of kind %s", kind).hasSize(1);
        return of.get(0);
    }

    private static Manifest named(String kind, String name) throws IOException {
        return manifests().stream().filter(m -> kind.equals(m.kind()) && name.equals(m.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + DIR));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as("%s in %s", key, parent.keySet()).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as("%s in %s", key, parent.keySet()).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Map<String, Object> parent, String key) {
        return list(parent, key).stream().map(o -> (Map<String, Object>) o).toList();
    }

    private static Map<String, Object> podSpec() throws IOException {
        return map(map(the("Deployment").spec(), "template"), "spec");
    }

    private static Map<String, Object> container() throws IOException {
        List<Map<String, Object>> containers = maps(podSpec(), "containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    /** The container's environment, in order: name to its entry ({@code value} or {@code valueFrom}). */
    private static Map<String, Map<String, Object>> envEntries() throws IOException {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        for (Map<String, Object> e : maps(container(), "env")) {
            assertThat(env.put((String) e.get("name"), e)).as("env %s set twice", e.get("name")).isNull();
        }
        return env;
    }

    private static String literal(String variable) throws IOException {
        Map<String, Object> entry = envEntries().get(variable);
        assertThat(entry).as("env %s", variable).isNotNull();
        assertThat(entry.get("value")).as("env %s value", variable).isInstanceOf(String.class);
        return (String) entry.get("value");
    }

    /** {@code name/key} of the Secret a variable is read from. */
    private static String secretRef(String variable) throws IOException {
        Map<String, Object> entry = envEntries().get(variable);
        assertThat(entry).as("env %s", variable).isNotNull();
        Map<String, Object> ref = map(map(entry, "valueFrom"), "secretKeyRef");
        return ref.get("name") + "/" + ref.get("key");
    }

    /**
     * The environment as the pod gets it: literal values as they are, values from the downward API and Secrets as
     * recognisable stand-ins (a Secret's value when the Secret is one of the manifests).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> podEnvironment() throws IOException {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : envEntries().entrySet()) {
            Map<String, Object> entry = e.getValue();
            if (entry.containsKey("value")) {
                env.put(e.getKey(), String.valueOf(entry.get("value")));
                continue;
            }
            Map<String, Object> from = map(entry, "valueFrom");
            if (from.containsKey("fieldRef")) {
                env.put(e.getKey(), "pod:" + map(from, "fieldRef").get("fieldPath"));
            } else {
                Map<String, Object> ref = map(from, "secretKeyRef");
                String declared = manifests().stream()
                        .filter(m -> "Secret".equals(m.kind()) && ref.get("name").equals(m.name()))
                        .map(m -> (Map<String, Object>) m.doc().get("stringData"))
                        .filter(Objects::nonNull).map(data -> (String) data.get(ref.get("key")))
                        .filter(Objects::nonNull).findFirst().orElse(null);
                env.put(e.getKey(), declared != null ? declared : "secret:" + ref.get("name") + "/" + ref.get("key"));
            }
        }
        return env;
    }

    private static Properties appProperties(String file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(RESOURCES.resolve(file))));
        return p;
    }

    /**
     * The property sources the app sees in the pod, in Spring Boot's order: the environment first, then the external
     * profile's file, then application.properties.
     */
    private static MutablePropertySources podPropertySources() throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, podEnvironment()));
        for (String file : PROPERTY_FILES) {
            sources.addLast(new PropertiesPropertySource(file, appProperties(file)));
        }
        return sources;
    }

    private static Binder podBinder() throws IOException {
        MutablePropertySources sources = podPropertySources();
        return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources));
    }

    private static String bound(String property) throws IOException {
        return podBinder().bind(property, String.class).orElse(null);
    }

    private static ReplicaRouterProperties routerProperties() throws IOException {
        return podBinder().bind("replica-router", ReplicaRouterProperties.class).get();
    }

    private static URI jdbc(String url) {
        assertThat(url).startsWith("jdbc:postgresql://");
        return URI.create(url.substring("jdbc:".length()));
    }

    private static String database(String url) {
        return jdbc(url).getPath().substring(1);
    }

    private static int asInt(Object value) {
        return Integer.parseInt(String.valueOf(value));
    }

    /** Every property name Spring Boot and the starter describe (their configuration metadata on the class path). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> metadataProperties() throws IOException {
        Map<String, String> types = new LinkedHashMap<>();
        Enumeration<URL> files = KubernetesManifestsTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json");
        for (URL file : Collections.list(files)) {
            try (InputStream in = file.openStream()) {
                Map<String, Object> doc = JSON.readValue(in, Map.class);
                for (Map<String, Object> p : (List<Map<String, Object>>) doc.getOrDefault("properties", List.of())) {
                    types.put((String) p.get("name"), String.valueOf(p.get("type")));
                }
            }
        }
        return types;
    }

    // ---- the kustomization

    @Test
    void theKustomizationListsEveryManifestOnce() throws IOException {
        List<Object> listed = list(kustomization(), "resources");
        assertThat(listed).doesNotHaveDuplicates();
        Set<String> files;
        try (Stream<Path> dir = Files.list(DIR)) {
            files = dir.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml") || f.endsWith(".yml"))
                    .filter(f -> !f.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(listed).as("kustomization.yaml resources vs the files in " + DIR)
                .containsExactlyInAnyOrderElementsOf(files);
        assertThat(files).contains("cluster.yaml", "pooler.yaml", "deployment.yaml", "service.yaml", "hpa.yaml");

        List<Manifest> all = manifests();
        Set<String> ids = new HashSet<>();
        for (Manifest m : all) {
            assertThat(m.doc()).as(m.file()).containsKeys("apiVersion", "kind", "metadata");
            assertThat(m.name()).as(m.file()).isNotBlank();
            assertThat(ids.add(m.kind() + "/" + m.name())).as("%s/%s declared twice", m.kind(), m.name()).isTrue();
        }
        assertThat(all.stream().map(Manifest::kind).collect(Collectors.toSet())).contains("Cluster", "Pooler",
                "Deployment", "Service", "Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget");
    }

    @Test
    void theImageIsTheOneKustomizeSetsBuiltByComposesDockerfile() throws IOException {
        List<Map<String, Object>> images = maps(kustomization(), "images");
        assertThat(images).extracting(i -> i.get("name")).containsExactly(container().get("image"));
        assertThat(images.get(0)).containsKeys("newName", "newTag");
        String dockerfile = Files.readString(COMPOSE.resolveSibling("Dockerfile"));
        int port = asInt(maps(container(), "ports").get(0).get("containerPort"));
        assertThat(dockerfile).contains("EXPOSE " + port, "replica-router-sample-app-");
    }

    // ---- the database

    @Test
    void theClusterIsThreePostgres18InstancesWithTheAppsDatabase() throws IOException {
        Manifest cluster = the("Cluster");
        assertThat(cluster.doc().get("apiVersion")).isEqualTo(CNPG);
        Map<String, Object> spec = cluster.spec();
        assertThat(spec.get("instances")).isEqualTo(3);

        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE));
        @SuppressWarnings("unchecked")
        Map<String, Object> primary = (Map<String, Object>) map(compose, "services").get("primary");
        String composeMajor = ((String) primary.get("image")).replaceAll(".*:", "").replaceAll("\\..*", "");
        String image = (String) spec.get("imageName");
        assertThat(image).startsWith("ghcr.io/cloudnative-pg/postgresql:");
        assertThat(image.replaceAll(".*:", "").replaceAll("[.-].*", "")).as("major").isEqualTo(composeMajor)
                .isEqualTo("18");

        Map<String, Object> initdb = map(map(spec, "bootstrap"), "initdb");
        Properties external = appProperties("application-external.properties");
        Matcher user = PLACEHOLDER.matcher(external.getProperty("spring.datasource.username"));
        assertThat(user.matches()).isTrue();
        assertThat(initdb.get("owner")).as("the external profile's default DB_USER").isEqualTo(user.group(2)
                .substring(1));
        assertThat(initdb.get("database")).isEqualTo("forum");
        @SuppressWarnings("unchecked")
        Map<String, Object> composeEnv = (Map<String, Object>) primary.get("environment");
        assertThat(composeEnv).containsEntry("POSTGRES_DB", initdb.get("database"))
                .containsEntry("POSTGRES_USER", initdb.get("owner"));
        // every URL the app is given names that database
        for (String url : List.of(literal("DB_PRIMARY_URL"), literal("SPRING_FLYWAY_URL"))) {
            assertThat(database(url)).as(url).isEqualTo(initdb.get("database"));
        }
        for (ReplicaRouterProperties.Node replica : routerProperties().getReplicas()) {
            assertThat(database(replica.getUrl())).as(replica.getUrl()).isEqualTo(initdb.get("database"));
        }
        // the monitor's view of lag and system identifiers as the app's own user (docs/design.md, "Known limits")
        assertThat(list(initdb, "postInitApplicationSQL")).contains("GRANT pg_monitor TO " + initdb.get("owner"),
                "GRANT EXECUTE ON FUNCTION pg_control_system() TO " + initdb.get("owner"));

        Map<String, Object> postgresql = map(spec, "postgresql");
        assertThat(map(postgresql, "parameters")).containsEntry("synchronous_commit", "on")
                .containsEntry("hot_standby_feedback", "on");
        Map<String, Object> synchronous = map(postgresql, "synchronous");
        assertThat(synchronous.get("method")).isIn("any", "first");
        assertThat(asInt(synchronous.get("number"))).isBetween(1, asInt(spec.get("instances")) - 2);
    }

    @Test
    void thePrimaryGoesThroughATransactionPoolerOfThisCluster() throws IOException {
        Manifest pooler = the("Pooler");
        String cluster = the("Cluster").name();
        assertThat(pooler.doc().get("apiVersion")).isEqualTo(CNPG);
        assertThat(pooler.name()).as("CloudNativePG refuses a Pooler named like its Cluster").isNotEqualTo(cluster);
        assertThat(map(pooler.spec(), "cluster").get("name")).isEqualTo(cluster);
        assertThat(pooler.spec().get("type")).isEqualTo("rw");
        assertThat(asInt(pooler.spec().get("instances"))).isGreaterThanOrEqualTo(2);
        assertThat(map(pooler.spec(), "pgbouncer").get("poolMode")).isEqualTo("transaction");
        // pgjdbc sends extra_float_digits at connect: CloudNativePG already ignores it; a list given here must too
        Object ignored = map(map(pooler.spec(), "pgbouncer"), "parameters").get("ignore_startup_parameters");
        assertThat(ignored == null || ignored.toString().contains("extra_float_digits")).isTrue();

        String primaryUrl = literal("DB_PRIMARY_URL");
        URI uri = jdbc(primaryUrl);
        assertThat(uri.getHost()).as("the primary's host is the Pooler's Service").isEqualTo(pooler.name());
        assertThat(uri.getPort()).as("CloudNativePG's PgBouncer listens on 5432").isEqualTo(5432);
        assertThat(uri.getQuery()).as("transaction pooling: no named server-side statements (docs/scaling.md)")
                .contains("prepareThreshold=0");
        // and that URL is what the app takes as its primary
        assertThat(bound("spring.datasource.url")).isEqualTo(primaryUrl);
    }

    @Test
    void everyInstanceIsAReplicaNodeOfItsOwnThroughARoleGatedService() throws IOException {
        Manifest cluster = the("Cluster");
        int instances = asInt(cluster.spec().get("instances"));
        List<ReplicaRouterProperties.Node> replicas = routerProperties().getReplicas();
        assertThat(routerProperties().getNodes()).isEmpty();
        assertThat(replicas).as("one router node per instance").hasSize(instances);

        Set<String> instanceNames = IntStream.rangeClosed(1, instances).mapToObj(i -> cluster.name() + "-" + i)
                .collect(Collectors.toSet());
        Set<String> covered = new HashSet<>();
        for (ReplicaRouterProperties.Node replica : replicas) {
            URI uri = jdbc(replica.getUrl());
            assertThat(uri.getHost()).as("%s: not CloudNativePG's -ro/-r/-rw (no lag awareness per replica)",
                    replica.getUrl()).doesNotEndWith("-ro").doesNotEndWith("-r").doesNotEndWith("-rw");
            Manifest service = named("Service", uri.getHost());
            Map<String, Object> selector = map(service.spec(), "selector");
            assertThat(selector).containsEntry("cnpg.io/cluster", cluster.name())
                    .containsEntry("cnpg.io/instanceRole", "replica").containsOnlyKeys("cnpg.io/cluster",
                            "cnpg.io/instanceRole", "cnpg.io/instanceName");
            String instance = (String) selector.get("cnpg.io/instanceName");
            assertThat(instanceNames).contains(instance);
            assertThat(covered.add(instance)).as("%s has two nodes", instance).isTrue();
            assertThat(replica.getName()).as("the node is named after its instance").isEqualTo(instance);
            List<Map<String, Object>> ports = maps(service.spec(), "ports");
            assertThat(ports).hasSize(1);
            assertThat(asInt(ports.get(0).get("port"))).isEqualTo(uri.getPort());
            assertThat(asInt(ports.get(0).get("targetPort"))).as("PostgreSQL in CloudNativePG's pods").isEqualTo(5432);
            assertThat(service.spec().get("clusterIP")).as("a virtual IP: refused at once while empty").isNull();
        }
        assertThat(covered).isEqualTo(instanceNames);
    }

    @Test
    void flywayMigratesThePrimaryDirectlyWithALoginOfItsOwn() throws IOException {
        String cluster = the("Cluster").name();
        URI flyway = jdbc(literal("SPRING_FLYWAY_URL"));
        assertThat(flyway.getHost()).as("CloudNativePG's primary Service, not the pooler").isEqualTo(cluster + "-rw");
        assertThat(flyway.getPort()).isEqualTo(5432);
        // the starter (PrimaryMigrationConnection), like Boot: a URL of its own means spring.flyway.user/password
        assertThat(secretRef("SPRING_FLYWAY_USER")).isEqualTo(secretRef("DB_USER"));
        assertThat(secretRef("SPRING_FLYWAY_PASSWORD")).isEqualTo(secretRef("DB_PASSWORD"));
        assertThat(bound("spring.flyway.url")).isEqualTo(literal("SPRING_FLYWAY_URL"));
        assertThat(bound("spring.flyway.user")).isEqualTo(bound("spring.datasource.username"));
    }

    @Test
    void credentialsComeFromSecretsNeverFromTheManifest() throws IOException {
        String cluster = the("Cluster").name();
        assertThat(secretRef("DB_USER")).as("CloudNativePG's owner Secret").isEqualTo(cluster + "-app/username");
        assertThat(secretRef("DB_PASSWORD")).isEqualTo(cluster + "-app/password");
        for (Map.Entry<String, Map<String, Object>> e : envEntries().entrySet()) {
            if (e.getKey().matches(".*(PASSWORD|SECRET|USER).*")) {
                assertThat(e.getValue()).as(e.getKey()).doesNotContainKey("value").containsKey("valueFrom");
            }
            if (e.getValue().get("value") instanceof String value && value.startsWith("jdbc:")) {
                assertThat(value).as(e.getKey()).doesNotContain("password", "user=");
            }
        }
        // the token secret: a Secret of these manifests, long enough for the starter (>= 16 bytes)
        String[] ref = secretRef("FORUM_TOKEN_SECRET").split("/");
        Manifest secret = named("Secret", ref[0]);
        String value = (String) map(secret.doc(), "stringData").get(ref[1]);
        assertThat(value).as("%s key %s", ref[0], ref[1]).isNotNull();
        assertThat(value.getBytes(StandardCharsets.UTF_8).length).isGreaterThanOrEqualTo(16);
        assertThat(value).as("a placeholder that says so").contains("REPLACE");
        assertThat(routerProperties().getToken().getSecret()).isEqualTo(value);
    }

    @Test
    void theConnectionBudgetFitsTheAutoscalersCeiling() throws IOException {
        int pods = asInt(the("HorizontalPodAutoscaler").spec().get("maxReplicas"));
        int poolSize = routerProperties().getPoolSize();
        Map<String, Object> cluster = the("Cluster").spec();
        int maxConnections = asInt(map(map(cluster, "postgresql"), "parameters").get("max_connections"));
        Map<String, Object> pooler = the("Pooler").spec();
        Map<String, Object> bouncer = map(map(pooler, "pgbouncer"), "parameters");

        // a replica: every pod's pool and its monitor connection, directly
        int replicaLoad = pods * (poolSize + 1);
        // the primary: PgBouncer's server connections from every pooler pod, and Flyway from each starting pod
        int primaryLoad = asInt(pooler.get("instances")) * asInt(bouncer.get("default_pool_size")) + pods;
        // any instance can be either; leave room for the operator and superuser_reserved_connections
        assertThat(maxConnections).as("max_connections for %d pods with pools of %d", pods, poolSize)
                .isGreaterThanOrEqualTo(Math.max(replicaLoad, primaryLoad) + 10);
        // one PgBouncer pod may get every client
        assertThat(asInt(bouncer.get("max_client_conn"))).isGreaterThanOrEqualTo(pods * (poolSize + 1));
    }

    // ---- the app's environment

    @Test
    void everyVariableIsAPropertyTheAppReads() throws IOException {
        Set<String> placeholders = new TreeSet<>();
        Set<String> appKeys = new TreeSet<>();
        for (String file : PROPERTY_FILES) {
            String text = Files.readString(RESOURCES.resolve(file));
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                placeholders.add(m.group(1));
            }
            appKeys.addAll(appProperties(file).stringPropertyNames());
        }
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = Pattern.compile("@Value\\(\"\\$\\{([a-z0-9.\\-]+)").matcher(Files.readString(source));
                while (m.find()) {
                    appKeys.add(m.group(1));
                }
            }
        }
        Map<String, String> metadata = metadataProperties();
        assertThat(metadata).as("configuration metadata on the class path").containsKeys("spring.profiles.active",
                "replica-router.replicas", "management.endpoint.health.probes.enabled", "spring.flyway.url");

        Map<String, Object> env = podEnvironment();
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, Object> variable : env.entrySet()) {
            if (placeholders.contains(variable.getKey()) || JVM_VARIABLES.contains(variable.getKey())) {
                continue;
            }
            // the property Spring Boot binds from this variable alone (REPLICAROUTER_REPLICAS_0_URL ->
            // replica-router.replicas[0].url)
            IterableConfigurationPropertySource source = (IterableConfigurationPropertySource)
                    ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of(variable.getKey(), variable.getValue())));
            List<ConfigurationPropertyName> names = source.stream().toList();
            assertThat(names).as(variable.getKey()).hasSize(1);
            ConfigurationPropertyName name = names.get(0);
            boolean known = appKeys.stream().anyMatch(k -> ConfigurationPropertyName.adapt(k, '.').equals(name))
                    || metadata.entrySet().stream().anyMatch(p -> {
                        ConfigurationPropertyName property = ConfigurationPropertyName.adapt(p.getKey(), '.');
                        return property.equals(name) || (property.isAncestorOf(name)
                                && p.getValue().matches("java\\.util\\.(List|Map|Set)<.*"));
                    });
            if (!known) {
                unknown.add(variable.getKey() + " (" + name + ")");
            }
        }
        assertThat(unknown).as("variables no property of the app binds (Boot's form: dots to _, dashes dropped,"
                + " REPLICAROUTER_MAXLAG for replica-router.max-lag)").isEmpty();

        // under replica-router.replicas[n] only the Node's own fields: a misspelt one fails the bind
        MutablePropertySources sources = podPropertySources();
        Object environment = sources.get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        List<ReplicaRouterProperties.Node> replicas = new Binder(ConfigurationPropertySources.from(sources),
                new PropertySourcesPlaceholdersResolver(sources))
                .bind("replica-router.replicas", Bindable.listOf(ReplicaRouterProperties.Node.class),
                        new NoUnboundElementsBindHandler(BindHandler.DEFAULT,
                                s -> s.getUnderlyingSource() == environment))
                .get();
        assertThat(replicas).hasSize(asInt(the("Cluster").spec().get("instances")));
    }

    @Test
    void theExternalProfileGetsWhatItNeedsAndTheReplicaListReplacesItsOwn() throws IOException {
        Map<String, Object> env = podEnvironment();
        assertThat(env.get("SPRING_PROFILES_ACTIVE")).isEqualTo("external");
        String external = Files.readString(RESOURCES.resolve("application-external.properties"));
        Set<String> required = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(external);
        while (m.find()) {
            if (m.group(2) == null) {
                required.add(m.group(1));
            }
        }
        assertThat(required).contains("DB_PRIMARY_URL", "FORUM_TOKEN_SECRET");
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(env.keySet());
        // the two the profile's replica list reads, which the REPLICAROUTER_REPLICAS_n_* variables replace
        assertThat(missing).containsExactlyInAnyOrder("DB_REPLICA1_URL", "DB_REPLICA2_URL");
        for (String line : external.lines().filter(l -> l.contains("${DB_REPLICA")).toList()) {
            assertThat(line).startsWith("replica-router.replicas[");
        }
        // bound as Boot binds: the environment's list wins as a whole; nothing unresolved is left
        ReplicaRouterProperties router = routerProperties();
        assertThat(router.getReplicas()).extracting(ReplicaRouterProperties.Node::getUrl)
                .allSatisfy(url -> assertThat(url).doesNotContain("${").startsWith("jdbc:postgresql://"))
                .containsExactly(literal("REPLICAROUTER_REPLICAS_0_URL"), literal("REPLICAROUTER_REPLICAS_1_URL"),
                        literal("REPLICAROUTER_REPLICAS_2_URL"));
        assertThat(router.getReplicas()).extracting(ReplicaRouterProperties.Node::getName)
                .containsExactly(literal("REPLICAROUTER_REPLICAS_0_NAME"), literal("REPLICAROUTER_REPLICAS_1_NAME"),
                        literal("REPLICAROUTER_REPLICAS_2_NAME"));
        assertThat(bound("spring.datasource.username")).isEqualTo("secret:" + secretRef("DB_USER"));
        assertThat(bound("spring.datasource.password")).isEqualTo("secret:" + secretRef("DB_PASSWORD"));
        assertThat(bound("forum.instance")).as("X-Served-By names the pod").isEqualTo("pod:metadata.name");
    }

    // ---- probes, ports, Service, autoscaler

    @Test
    void theProbesReachTheHealthGroupsOnTheAppsPort() throws IOException {
        Map<String, Object> c = container();
        List<Map<String, Object>> ports = maps(c, "ports");
        assertThat(ports).hasSize(1);
        String portName = (String) ports.get(0).get("name");
        int containerPort = asInt(ports.get(0).get("containerPort"));
        assertThat(bound("server.port")).as("server.port=${PORT:8080}").isEqualTo(String.valueOf(containerPort));

        // management on the server's port, under Boot's default base path, with health exposed
        for (String file : PROPERTY_FILES) {
            assertThat(appProperties(file).stringPropertyNames()).as(file)
                    .doesNotContain("management.server.port", "management.endpoints.web.base-path",
                            "server.servlet.context-path", "server.address");
        }
        assertThat(bound("management.server.port")).isNull();
        assertThat(bound("management.endpoints.web.exposure.include")).contains("health");
        assertThat(bound("management.endpoint.health.probes.enabled")).isEqualTo("true");
        // liveness stays Boot's own (the process, not the database)
        assertThat(bound("management.endpoint.health.group.liveness.include")).isNull();
        assertThat(bound("management.endpoint.health.group.readiness.include")).isNull();

        Map<String, String> paths = Map.of("startupProbe", "/actuator/health/liveness",
                "livenessProbe", "/actuator/health/liveness", "readinessProbe", "/actuator/health/readiness");
        for (Map.Entry<String, String> probe : paths.entrySet()) {
            Map<String, Object> get = map(map(c, probe.getKey()), "httpGet");
            assertThat(get.get("path")).as(probe.getKey()).isEqualTo(probe.getValue());
            Object port = get.get("port");
            assertThat(port.equals(portName) || String.valueOf(containerPort).equals(String.valueOf(port)))
                    .as("%s port %s is the container's", probe.getKey(), port).isTrue();
        }
        Map<String, Object> startup = map(c, "startupProbe");
        assertThat(asInt(startup.get("periodSeconds")) * asInt(startup.get("failureThreshold")))
                .as("seconds for the first pod's migration and seed").isGreaterThanOrEqualTo(120);
    }

    @Test
    void theServiceAutoscalerAndBudgetSelectTheDeploymentsPods() throws IOException {
        Manifest deployment = the("Deployment");
        Map<String, Object> podLabels = map(map(map(deployment.spec(), "template"), "metadata"), "labels");
        Map<String, Object> matchLabels = map(map(deployment.spec(), "selector"), "matchLabels");
        assertThat(podLabels).containsAllEntriesOf(matchLabels);

        Map<String, Object> c = container();
        Map<String, Object> containerPort = maps(c, "ports").get(0);
        Manifest service = named("Service", deployment.name());
        assertThat(map(service.spec(), "selector")).isEqualTo(matchLabels);
        Object targetPort = maps(service.spec(), "ports").get(0).get("targetPort");
        assertThat(targetPort.equals(containerPort.get("name"))
                || String.valueOf(targetPort).equals(String.valueOf(containerPort.get("containerPort"))))
                .as("Service targetPort %s is the container's port %s", targetPort, containerPort).isTrue();

        Manifest hpa = the("HorizontalPodAutoscaler");
        assertThat(hpa.doc().get("apiVersion")).isEqualTo("autoscaling/v2");
        Map<String, Object> target = map(hpa.spec(), "scaleTargetRef");
        assertThat(target).containsEntry("apiVersion", "apps/v1").containsEntry("kind", "Deployment")
                .containsEntry("name", deployment.name());
        int min = asInt(hpa.spec().get("minReplicas"));
        assertThat(min).isGreaterThanOrEqualTo(2);
        assertThat(asInt(hpa.spec().get("maxReplicas"))).isGreaterThan(min);
        assertThat(asInt(deployment.spec().get("replicas"))).isEqualTo(min);
        Map<String, Object> metric = maps(hpa.spec(), "metrics").get(0);
        assertThat(metric.get("type")).isEqualTo("Resource");
        assertThat(map(metric, "resource").get("name")).isEqualTo("cpu");
        assertThat(map(map(metric, "resource"), "target").get("type")).isEqualTo("Utilization");

        // utilisation is relative to the request: both requests and limits are set
        Map<String, Object> resources = map(c, "resources");
        assertThat(map(resources, "requests")).containsKeys("cpu", "memory");
        assertThat(map(resources, "limits")).containsKeys("cpu", "memory");
        assertThat(map(resources, "requests").get("memory")).as("memory request = limit: no overcommit")
                .isEqualTo(map(resources, "limits").get("memory"));

        Manifest pdb = the("PodDisruptionBudget");
        assertThat(podLabels).containsAllEntriesOf(map(map(pdb.spec(), "selector"), "matchLabels"));
        assertThat(asInt(pdb.spec().get("minAvailable"))).isBetween(1, min - 1);
    }
}
