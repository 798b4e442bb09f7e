package io.replicarouter.spring.it.consistency;

import io.replicarouter.Consistency;
import io.replicarouter.spring.scope.ReadFromPrimary;
import io.replicarouter.spring.scope.ReplicaConsistency;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads and writes under the routing annotations; where each read ran is its server's port. */
@Service
public class AnnotatedReads {

    private final Items items;

    public AnnotatedReads(Items items) {
        this.items = items;
    }

    public int plain() {
        return items.readPort();
    }

    @ReadFromPrimary
    public int forced() {
        return items.readPort();
    }

    @ReadFromPrimary
    @Transactional(readOnly = true)
    public int forcedReadOnlyTransaction() {
        return items.readPort();
    }

    @Transactional(readOnly = true)
    public int readOnlyTransaction() {
        return items.readPort();
    }

    @ReadFromPrimary
    public int forcedThenFails() {
        items.readPort();
        throw new IllegalStateException("failed on purpose");
    }

    @ReplicaConsistency(level = Consistency.STRONG)
    public int strong() {
        return items.readPort();
    }

    @ReplicaConsistency(level = Consistency.STRONG)
    @Transactional(readOnly = true)
    public int strongReadOnlyTransaction() {
        return items.readPort();
    }

    @ReplicaConsistency(level = Consistency.EVENTUAL)
    public int eventual() {
        return items.readPort();
    }

    @ReplicaConsistency(maxStaleness = "${it.tight-staleness:30ms}")
    public int tightBudget() {
        return items.readPort();
    }

    @ReplicaConsistency(maxStaleness = "1h")
    public int countWithABudget(String name) {
        return items.count(name);
    }

    /** Writes inside a scope of its own (a staleness budget), in a read-write transaction. */
    @ReplicaConsistency(maxStaleness = "1h")
    @Transactional
    public void insertInOwnScope(String name) {
        items.insert(name);
    }

    /** Writes inside an EVENTUAL scope of its own, in a read-write transaction. */
    @ReplicaConsistency(level = Consistency.EVENTUAL)
    @Transactional
    public void insertEventually(String name) {
        items.insert(name);
    }
}
