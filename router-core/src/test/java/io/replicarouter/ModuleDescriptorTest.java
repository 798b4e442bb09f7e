package io.replicarouter;

import org.junit.jupiter.api.Test;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled module descriptor exports the API packages and nothing under {@code internal}, and a module-path
 * application can resolve it with its real dependencies. (Tests themselves run on the class path.)
 */
class ModuleDescriptorTest {

    private static final Path CLASSES = Path.of("target/classes");

    /** The descriptor as the module system sees the compiled classes (packages included). */
    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(CLASSES).find("io.replicarouter").orElseThrow().descriptor();
    }

    @Test
    void exportsTheApiAndNotTheEngine() {
        ModuleDescriptor d = descriptor();
        assertThat(d.name()).isEqualTo("io.replicarouter");
        assertThat(d.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.source()).isFalse());
        assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("io.replicarouter", "io.replicarouter.balance");
        assertThat(d.packages()).contains("io.replicarouter.internal.jdbc", "io.replicarouter.internal.topology",
                "io.replicarouter.internal.routing", "io.replicarouter.internal.consistency",
                "io.replicarouter.internal.sql", "io.replicarouter.internal.postgres");
        assertThat(d.opens()).as("nothing open to reflection").isEmpty();
    }

    @Test
    void requiresTheDriverApiAndThePoolTransitivelyForTheirTypesInTheApi() {
        Set<String> transitive = descriptor().requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertThat(transitive).containsExactlyInAnyOrder("java.sql", "com.zaxxer.hikari");
    }

    @Test
    void resolvesOnAModulePathWithItsDependencies() {
        Path[] path = Stream.concat(Stream.of(CLASSES), classPathJars("HikariCP", "slf4j-api")).toArray(Path[]::new);
        Configuration cf = ModuleLayer.boot().configuration()
                .resolve(ModuleFinder.of(path), ModuleFinder.of(), Set.of("io.replicarouter"));
        assertThat(cf.findModule("io.replicarouter")).isPresent();
        assertThat(cf.findModule("com.zaxxer.hikari")).isPresent();
    }

    private static Stream<Path> classPathJars(String... artifacts) {
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of)
                .filter(p -> Stream.of(artifacts).anyMatch(a -> p.getFileName().toString().startsWith(a + "-")));
    }
}
