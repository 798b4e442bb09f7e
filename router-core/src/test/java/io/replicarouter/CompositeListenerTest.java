package io.replicarouter;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompositeListenerTest {

    /** A listener recording "method(args)" for every event, optionally throwing after recording. */
    private static RoutingListener recorder(List<String> calls, boolean throwing) {
        return (RoutingListener) Proxy.newProxyInstance(RoutingListener.class.getClassLoader(),
                new Class<?>[] {RoutingListener.class}, (proxy, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return m.getName().equals("toString") ? "recorder" : m.getName().equals("hashCode")
                                ? System.identityHashCode(proxy) : proxy == args[0];
                    }
                    calls.add(m.getName() + Arrays.toString(args));
                    if (throwing) {
                        throw new IllegalStateException("listener bug");
                    }
                    return null;
                });
    }

    private static Object[] sampleArgs(Method m) {
        return Arrays.stream(m.getParameterTypes()).map(t -> t == String.class ? "n"
                : t == int.class ? 3 : t == long.class ? 4L : t == boolean.class ? true
                : t.isEnum() ? t.getEnumConstants()[t.getEnumConstants().length - 1]
                : t == SQLException.class ? new SQLException("x", "08006") : null).toArray();
    }

    private static List<Method> events() {
        return Arrays.stream(RoutingListener.class.getMethods())
                .filter(m -> m.isDefault() && m.getReturnType() == void.class).collect(Collectors.toList());
    }

    @Test
    void everyEventReachesEveryMemberInOrderEvenWhenOneThrows() throws Exception {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        List<String> third = new ArrayList<>();
        RoutingListener composite = RoutingListener.composite(recorder(first, false), recorder(second, true),
                recorder(third, false));
        List<Method> events = events();
        assertThat(events).hasSizeGreaterThanOrEqualTo(13);
        for (Method m : events) {
            m.invoke(composite, sampleArgs(m)); // the throwing member is contained
        }
        assertThat(first).hasSize(events.size());
        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(first.stream().map(c -> c.substring(0, c.indexOf('['))).collect(Collectors.toSet()))
                .isEqualTo(events.stream().map(Method::getName).collect(Collectors.toSet()));
    }

    @Test
    void noneMembersAreLeftOutAndOneMemberIsItself() {
        List<String> calls = new ArrayList<>();
        RoutingListener only = recorder(calls, false);
        assertThat(RoutingListener.composite()).isSameAs(RoutingListener.NONE);
        assertThat(RoutingListener.composite(RoutingListener.NONE, RoutingListener.NONE)).isSameAs(RoutingListener.NONE);
        assertThat(RoutingListener.composite(RoutingListener.NONE, only)).isSameAs(only);
        assertThatThrownBy(() -> RoutingListener.composite(only, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    }
}
