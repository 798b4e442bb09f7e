package io.replicarouter;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package map of docs/design.md, checked: data flows one way through the engine (postgres and sql know nothing
 * of ours; the monitor in topology publishes, routing reads, consistency decides, jdbc drives), the engine sees
 * only the API's value types and listener (never the facade), and the public API exposes no engine type.
 */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src/main/java/io/replicarouter");
    private static final Pattern OURS = Pattern.compile("io\\.replicarouter\\.(?:internal\\.)?([a-z]+)\\.[A-Z]"
            + "|io\\.replicarouter\\.([A-Z]\\w*)");
    private static final String API = "api";

    /** Package → the packages of ours it may use. "api" is the root package's value types and listener. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "balance", Set.of(),
            "internal/postgres", Set.of(),
            "internal/sql", Set.of(),
            "internal/topology", Set.of(API, "balance", "postgres"),
            "internal/routing", Set.of(API, "balance", "sql", "topology"),
            "internal/consistency", Set.of(API, "postgres", "routing", "topology"),
            "internal/jdbc", Set.of(API, "consistency", "postgres", "routing", "sql", "topology"));

    /** The facade: what the engine must never reach back into. */
    private static final Set<String> FACADE = Set.of("RoutingDataSource", "RoutingDataSourceBuilder");

    private static Map<String, Set<String>> uses(String pkg) throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = OURS.matcher(code(Files.readString(f)));
                while (m.find()) {
                    String used = m.group(1) != null ? m.group(1) : FACADE.contains(m.group(2)) ? m.group(2) : API;
                    found.computeIfAbsent(used, k -> new TreeSet<>()).add(f.getFileName().toString());
                }
            }
        }
        return found;
    }

    /** The source without string literals and comments (a javadoc link or a logger name is no dependency). */
    private static String code(String source) {
        return source.replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"")
                .replaceAll("(?s)/\\*.*?\\*/", "")
                .replaceAll("//[^\n]*", "");
    }

    @Test
    void everyPackageUsesOnlyWhatTheMapAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
            assertThat(Files.isDirectory(MAIN.resolve(e.getKey()))).as(e.getKey()).isTrue();
            String self = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
            uses(e.getKey()).forEach((used, files) -> {
                if (!used.equals(self) && !e.getValue().contains(used)) {
                    violations.add(e.getKey() + " uses " + used + " in " + files);
                }
            });
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void everyEnginePackageIsOnTheMap() throws IOException {
        try (Stream<Path> dirs = Files.list(MAIN.resolve("internal"))) {
            assertThat(dirs.filter(Files::isDirectory).map(d -> "internal/" + d.getFileName()).toList())
                    .allMatch(ALLOWED::containsKey);
        }
    }

    @Test
    void thePublicApiExposesNoEngineType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (String pkg : List.of("", "balance")) {
            for (Class<?> c : publicTypes(pkg)) {
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    check(c, k, leaks);
                }
                for (Method m : c.getDeclaredMethods()) {
                    check(c, m, leaks);
                    if (visible(m.getModifiers())) {
                        leak(c, m.getName() + " returns", m.getGenericReturnType(), leaks);
                    }
                }
                for (Field f : c.getDeclaredFields()) {
                    if (visible(f.getModifiers())) {
                        leak(c, f.getName(), f.getGenericType(), leaks);
                    }
                }
                for (Type t : c.getGenericInterfaces()) {
                    leak(c, "implements", t, leaks);
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    /** The API stays small: a new public type is a decision to record in docs/design.md, not an accident. */
    @Test
    void thePublicTypesAreTheDocumentedOnes() throws Exception {
        List<String> names = new ArrayList<>();
        for (String pkg : List.of("", "balance")) {
            for (Class<?> c : publicTypes(pkg)) {
                names.add(c.getName().substring(c.getPackageName().length() + 1).replace('$', '.'));
            }
        }
        String design = Files.readString(Path.of("../docs/design.md"));
        assertThat(names).allSatisfy(n -> assertThat(design).as("docs/design.md names " + n)
                .containsPattern("`(balance\\.)?" + java.util.regex.Pattern.quote(n) + "`"));
    }

    private static List<Class<?>> publicTypes(String pkg) throws IOException, ClassNotFoundException {
        List<Class<?>> types = new ArrayList<>();
        String prefix = "io.replicarouter." + (pkg.isEmpty() ? "" : pkg + ".");
        try (Stream<Path> files = Files.list(pkg.isEmpty() ? MAIN : MAIN.resolve(pkg))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                Class<?> c = Class.forName(prefix + name);
                if (Modifier.isPublic(c.getModifiers())) {
                    types.add(c);
                    for (Class<?> nested : c.getDeclaredClasses()) {
                        if (Modifier.isPublic(nested.getModifiers())) {
                            types.add(nested);
                        }
                    }
                }
            }
        }
        return types;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(Class<?> owner, Executable e, List<String> leaks) {
        if (!visible(e.getModifiers())) {
            return;
        }
        for (Type p : e.getGenericParameterTypes()) {
            leak(owner, e.getName() + " takes", p, leaks);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            leak(owner, e.getName() + " throws", x, leaks);
        }
    }

    private static void leak(Class<?> owner, String where, Type type, List<String> leaks) {
        if (type.getTypeName().contains("io.replicarouter.internal.")) {
            leaks.add(owner.getName() + "." + where + " " + type.getTypeName());
        }
    }
}
