package io.replicarouter.internal.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The delegates written by {@code tools/GenerateDelegates.java}: every method that declares SQLException hands
 * the driver's error to the {@link ErrorHook} and throws what it returns; values pass through unchanged; and
 * the committed sources are exactly what the generator writes now (so nobody edits them by hand, and a
 * regeneration that drops the hook from one method fails here).
 */
class GeneratedDelegatesTest {

    /** How to build one generated class around a delegate. */
    interface Factory {
        Object create(Object delegate, Object owner, ErrorHook errors);
    }

    /** One generated class: the JDBC interface it implements, its owner accessor and type, how to build it. */
    record Generated(Class<?> type, Class<?> iface, String ownerMethod, Class<?> ownerType, Factory factory) {
        @Override
        public String toString() {
            return type.getSimpleName();
        }
    }

    static List<Generated> generated() {
        return List.of(
                new Generated(RoutedResultSet.class, ResultSet.class, "getStatement", Statement.class,
                        (d, o, h) -> new RoutedResultSet((ResultSet) d, (Statement) o, h)),
                new Generated(RoutedDatabaseMetaData.class, DatabaseMetaData.class, "getConnection", Connection.class,
                        (d, o, h) -> new RoutedDatabaseMetaData((DatabaseMetaData) d, (Connection) o, h)),
                new Generated(LogicalCallableStatement.class, CallableStatement.class, "getConnection", Connection.class,
                        (d, o, h) -> new LogicalCallableStatement((CallableStatement) d, (Connection) o, h, null)));
    }

    /** What the delegate proxy saw and did in its last call. */
    static final class Calls {
        Method method;
        Object returned;
        SQLException thrown;
        int count;
    }

    private static boolean declaresSqlException(Method m) {
        return Arrays.stream(m.getExceptionTypes()).anyMatch(t -> t.isAssignableFrom(SQLException.class));
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** The public methods the generated class itself declares (its whole JDBC surface). */
    private static List<Method> declared(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isBridge() && !m.isSynthetic())
                .sorted((a, b) -> signature(a).compareTo(signature(b)))
                .collect(Collectors.toList());
    }

    /** The interface's instance methods, one per signature (as the generator sees them). */
    private static Set<String> interfaceMethods(Class<?> iface, boolean withSqlException) {
        return Arrays.stream(iface.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && declaresSqlException(m) == withSqlException)
                .map(GeneratedDelegatesTest::signature)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A delegate implementing {@code iface} whose every method throws a distinct SQLException, or returns a sample. */
    private static Object delegate(Class<?> iface, Calls calls, boolean throwing) {
        return Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "toString":
                    if (method.getParameterCount() == 0) {
                        return "delegate " + iface.getSimpleName();
                    }
                    break;
                case "hashCode":
                    if (method.getParameterCount() == 0) {
                        return System.identityHashCode(proxy);
                    }
                    break;
                case "equals":
                    if (method.getParameterCount() == 1 && method.getParameterTypes()[0] == Object.class) {
                        return proxy == args[0];
                    }
                    break;
                default:
                    break;
            }
            calls.method = method;
            calls.count++;
            if (throwing) {
                calls.thrown = new SQLException("driver error in " + signature(method), "XX" + calls.count);
                throw calls.thrown;
            }
            calls.returned = sample(method.getReturnType());
            return calls.returned;
        });
    }

    /** A distinct, non-default value of a type (null for void). */
    private static Object sample(Class<?> type) throws Exception {
        if (type == void.class) {
            return null;
        } else if (type == boolean.class) {
            return true;
        } else if (type == byte.class) {
            return (byte) 7;
        } else if (type == short.class) {
            return (short) 7;
        } else if (type == int.class) {
            return 7;
        } else if (type == long.class) {
            return 7L;
        } else if (type == float.class) {
            return 7f;
        } else if (type == double.class) {
            return 7d;
        } else if (type == String.class) {
            return new String("sample");
        } else if (type == Object.class) {
            return new Object();
        } else if (type.isArray()) {
            return Array.newInstance(type.getComponentType(), 1);
        } else if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[constants.length - 1];
        } else if (type == java.sql.SQLWarning.class) {
            return new java.sql.SQLWarning("sample");
        } else if (type.isInterface()) {
            return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) ->
                    m.getName().equals("toString") ? "sample " + type.getSimpleName() : null);
        } else if (type == BigDecimal.class) {
            return new BigDecimal("7");
        } else if (type == java.sql.Date.class) {
            return new java.sql.Date(7);
        } else if (type == java.sql.Time.class) {
            return new java.sql.Time(7);
        } else if (type == java.sql.Timestamp.class) {
            return new java.sql.Timestamp(7);
        } else if (type == URL.class) {
            return new URL("http://sample.invalid/");
        } else if (type == InputStream.class) {
            return InputStream.nullInputStream();
        } else if (type == Reader.class) {
            return Reader.nullReader();
        }
        throw new AssertionError("no sample value for " + type.getName() + ": add one to GeneratedDelegatesTest");
    }

    private static final java.util.Map<Class<?>, Object> DEFAULTS = java.util.Map.of(boolean.class, false,
            byte.class, (byte) 0, short.class, (short) 0, int.class, 0, long.class, 0L, float.class, 0f,
            double.class, 0d, char.class, (char) 0);

    /** Default arguments: null, 0, false; a Class no wrapper implements (so unwrap/isWrapperFor ask the delegate). */
    private static Object[] defaults(Method m) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = types[i] == Class.class ? Runnable.class : DEFAULTS.get(types[i]);
        }
        return args;
    }

    private static Object owner(Class<?> ownerType) {
        return Proxy.newProxyInstance(ownerType.getClassLoader(), new Class<?>[] {ownerType}, (p, m, a) -> {
            if (m.getName().equals("toString")) {
                return "owner";
            }
            throw new AssertionError("the owner is not called: " + m);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generated")
    void everyMethodThatDeclaresSqlExceptionThrowsWhatTheHookReturns(Generated g) throws Exception {
        List<Method> hooked = declared(g.type()).stream().filter(GeneratedDelegatesTest::declaresSqlException)
                .collect(Collectors.toList());
        // Every interface method that may throw SQLException is implemented here (defaults included), apart from
        // the owner accessor, which returns the logical object without asking the driver.
        Set<String> hookedSignatures = hooked.stream().map(GeneratedDelegatesTest::signature)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = interfaceMethods(g.iface(), true);
        expected.remove(g.ownerMethod() + "()");
        assertThat(hookedSignatures).isEqualTo(expected);
        List<String> failures = new ArrayList<>();
        for (Method m : hooked) {
            Calls calls = new Calls();
            AtomicReference<SQLException> received = new AtomicReference<>();
            AtomicReference<SQLException> translated = new AtomicReference<>();
            ErrorHook hook = e -> {
                if (!received.compareAndSet(null, e)) {
                    throw new AssertionError("hook called twice");
                }
                SQLException t = new SQLException("[node] " + e.getMessage(), e.getSQLState(), e);
                translated.set(t);
                return t;
            };
            Object wrapper = g.factory().create(delegate(g.iface(), calls, true), owner(g.ownerType()), hook);
            Throwable thrown;
            try {
                m.invoke(wrapper, defaults(m));
                failures.add(signature(m) + ": returned normally although the delegate threw");
                continue;
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }
            if (calls.count != 1 || !calls.method.getName().equals(m.getName())
                    || !Arrays.equals(calls.method.getParameterTypes(), m.getParameterTypes())) {
                failures.add(signature(m) + ": called " + (calls.method == null ? "nothing" : signature(calls.method))
                        + " on the delegate " + calls.count + " times");
            } else if (received.get() != calls.thrown) {
                failures.add(signature(m) + ": the hook did not receive the delegate's exception (got " + received.get() + ")");
            } else if (thrown != translated.get()) {
                failures.add(signature(m) + ": threw " + thrown + " instead of the hook's exception");
            }
        }
        assertThat(failures).as("methods of " + g.type().getSimpleName() + " bypassing the hook").isEmpty();
        assertThat(hooked).hasSizeGreaterThan(150);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generated")
    void valuesPassThroughAndTheHookIsNotCalled(Generated g) throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Method m : declared(g.type())) {
            if (m.getName().equals(g.ownerMethod()) && m.getParameterCount() == 0) {
                continue;
            }
            Calls calls = new Calls();
            ErrorHook hook = e -> {
                throw new AssertionError("hook called without an error: " + e);
            };
            Object wrapper = g.factory().create(delegate(g.iface(), calls, false), owner(g.ownerType()), hook);
            Object result = m.invoke(wrapper, defaults(m));
            checked++;
            if (calls.count != 1 || !calls.method.getName().equals(m.getName())
                    || !Arrays.equals(calls.method.getParameterTypes(), m.getParameterTypes())) {
                failures.add(signature(m) + ": called " + (calls.method == null ? "nothing" : signature(calls.method))
                        + " on the delegate " + calls.count + " times");
            } else if (m.getReturnType().isPrimitive() ? !java.util.Objects.equals(result, calls.returned)
                    : result != calls.returned) {
                failures.add(signature(m) + ": returned " + result + " instead of the delegate's " + calls.returned);
            }
        }
        assertThat(failures).as("methods of " + g.type().getSimpleName() + " not passing values through").isEmpty();
        // All of the interface: the methods with SQLException, those without (left bare), and the owner accessor.
        Set<String> all = new TreeSet<>(interfaceMethods(g.iface(), true));
        all.addAll(interfaceMethods(g.iface(), false));
        assertThat(checked + 1).isEqualTo(all.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generated")
    void theOwnerIsTheLogicalObjectAndUnwrapFindsTheWrapper(Generated g) throws Exception {
        Calls calls = new Calls();
        Object owner = owner(g.ownerType());
        Object wrapper = g.factory().create(delegate(g.iface(), calls, true), owner, ErrorHook.NONE);
        assertThat(g.type().getMethod(g.ownerMethod()).invoke(wrapper)).isSameAs(owner);
        assertThat(g.type().getMethod("unwrap", Class.class).invoke(wrapper, g.iface())).isSameAs(wrapper);
        assertThat(g.type().getMethod("isWrapperFor", Class.class).invoke(wrapper, g.iface())).isEqualTo(true);
        assertThat(calls.count).as("the delegate is not asked").isZero();
    }

    /** The callable's execute* methods (every overload of CallableStatement's interfaces), by signature. */
    private static Set<String> executions() {
        return interfaceMethods(CallableStatement.class, true).stream().filter(m -> m.startsWith("execute"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyExecutionOfACallableIsReportedOnceAfterItRanAndNothingElseIs() throws Exception {
        Set<String> reported = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        for (Method m : declared(LogicalCallableStatement.class)) {
            if (m.getName().equals("getConnection") && m.getParameterCount() == 0) {
                continue;
            }
            for (boolean throwing : new boolean[] {false, true}) {
                Calls calls = new Calls();
                List<String> order = new ArrayList<>();
                List<SQLException> told = new ArrayList<>();
                long before = System.nanoTime();
                long[] start = new long[1];
                ExecutionHook executions = (startNanos, failure) -> {
                    order.add("executed after " + calls.count + " delegate call(s)");
                    start[0] = startNanos;
                    told.add(failure);
                };
                ErrorHook errors = e -> {
                    order.add("translated");
                    return e;
                };
                Object wrapper = new LogicalCallableStatement((CallableStatement) delegate(CallableStatement.class,
                        calls, throwing), (Connection) owner(Connection.class), errors, executions);
                try {
                    m.invoke(wrapper, defaults(m));
                } catch (InvocationTargetException e) {
                    if (!throwing) {
                        throw e;
                    }
                }
                boolean toldAny = order.stream().anyMatch(o -> o.startsWith("executed"));
                if (!m.getName().startsWith("execute")) {
                    if (toldAny) {
                        failures.add(signature(m) + " is not an execution but reported one");
                    }
                    continue;
                }
                if (toldAny && !throwing) {
                    reported.add(signature(m));
                }
                List<String> expected = throwing ? List.of("executed after 1 delegate call(s)", "translated")
                        : List.of("executed after 1 delegate call(s)");
                if (!order.equals(expected)) {
                    failures.add(signature(m) + (throwing ? " (failing)" : "") + ": " + order);
                } else if (told.get(0) != (throwing ? calls.thrown : null)) {
                    failures.add(signature(m) + ": told " + told.get(0) + " instead of the driver's outcome");
                } else if (start[0] < before || start[0] > System.nanoTime()) {
                    failures.add(signature(m) + ": started at " + start[0] + ", not during the call");
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(reported).isEqualTo(executions())
                .contains("execute()", "executeQuery()", "executeUpdate()", "executeLargeUpdate()", "executeBatch()",
                        "executeLargeBatch()")
                .hasSizeGreaterThanOrEqualTo(19); // the 19 of Java 17 (String overloads included)
    }

    @Test
    void noneRethrowsTheDriversError() {
        SQLException e = new SQLException("x");
        assertThat((Throwable) ErrorHook.NONE.translate(e)).isSameAs(e);
    }

    @Test
    void methodsWithoutSqlExceptionStayBare() {
        // DatabaseMetaData's driver version getters cannot throw SQLException: nothing to hook.
        assertThat(interfaceMethods(DatabaseMetaData.class, false))
                .contains("getDriverMajorVersion()", "getDriverMinorVersion()");
    }

    // --- the committed sources are the generator's output ---

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("tools/GenerateDelegates.java"))) {
                return p;
            }
        }
        throw new AssertionError("tools/GenerateDelegates.java not found above " + here);
    }

    @Test
    void committedSourcesAreWhatTheGeneratorWritesNow(@TempDir Path tmp) throws Exception {
        Path root = repositoryRoot();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("tests run on a JDK").isNotNull();
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        int rc = compiler.run(null, null, null, "-d", classes.toString(),
                root.resolve("tools/GenerateDelegates.java").toString());
        assertThat(rc).as("tools/GenerateDelegates.java compiles").isZero();
        Path out = Files.createDirectories(tmp.resolve("out"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> generator = loader.loadClass("GenerateDelegates");
            try {
                generator.getMethod("generate", Path.class).invoke(null, out);
            } catch (InvocationTargetException e) {
                throw new AssertionError("the generator failed", e.getCause());
            }
        }
        List<Path> written;
        try (Stream<Path> files = Files.walk(out)) {
            written = files.filter(Files::isRegularFile).map(out::relativize).sorted().collect(Collectors.toList());
        }
        List<String> names = written.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
        assertThat(names).containsExactlyInAnyOrder(
                "RoutedResultSet.java", "RoutedDatabaseMetaData.java", "LogicalCallableStatement.java",
                "RecordingPreparedStatement.java", "AbstractStubConnection.java", "AbstractStubPreparedStatement.java",
                "AbstractStubResultSet.java");
        List<String> stale = new ArrayList<>();
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path rel : written) {
            dirs.add(rel.getParent());
            Path committed = root.resolve(rel);
            if (!Files.isRegularFile(committed)) {
                stale.add(rel + ": not committed");
            } else if (!normalized(committed).equals(normalized(out.resolve(rel)))) {
                stale.add(rel + ": differs from the generator's output");
            }
        }
        // No other file in those directories claims to be generated.
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.readString(f).contains("GENERATED by tools/GenerateDelegates.java")
                            && !written.contains(root.relativize(f))) {
                        stale.add(root.relativize(f) + ": marked GENERATED but the generator does not write it");
                    }
                }
            }
        }
        if (!stale.isEmpty()) {
            fail("Run `java tools/GenerateDelegates.java` from the repository root and commit the result "
                    + "(never edit these files by hand):\n  " + String.join("\n  ", stale));
        }
    }

    private static String normalized(Path file) throws Exception {
        return Files.readString(file).replace("\r\n", "\n");
    }
}
