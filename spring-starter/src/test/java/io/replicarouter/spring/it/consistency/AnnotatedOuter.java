package io.replicarouter.spring.it.consistency;

import io.replicarouter.Consistency;
import io.replicarouter.spring.scope.ReadFromPrimary;
import io.replicarouter.spring.scope.ReplicaConsistency;
import org.springframework.stereotype.Service;

import java.util.List;

/** Annotated methods that call annotated methods of another bean (through its proxy). */
@Service
public class AnnotatedOuter {

    private final AnnotatedReads inner;
    private final AsyncItems async;

    public AnnotatedOuter(AnnotatedReads inner, AsyncItems async) {
        this.inner = inner;
        this.async = async;
    }

    /** An {@code @Async} count submitted from a forced call: "count@thread". */
    @ReadFromPrimary
    public String forcedThenAsync(String name) throws Exception {
        return async.count(name).get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Ports: before the inner call, the inner forced call, after it. */
    @ReadFromPrimary
    public List<Integer> forcedAroundForced() {
        return List.of(inner.plain(), inner.forced(), inner.plain());
    }

    /** Ports: before, an inner EVENTUAL call, after. */
    @ReplicaConsistency(level = Consistency.STRONG)
    public List<Integer> strongAroundEventual() {
        return List.of(inner.plain(), inner.eventual(), inner.plain());
    }

    /** Ports: before, an inner STRONG call, after. */
    @ReplicaConsistency(level = Consistency.EVENTUAL)
    public List<Integer> eventualAroundStrong() {
        return List.of(inner.plain(), inner.strong(), inner.plain());
    }
}
