package io.replicarouter.internal.jdbc;

import io.replicarouter.NodeRole;
import io.replicarouter.RouteReason;
import io.replicarouter.internal.topology.Node;
import io.replicarouter.internal.topology.TestNodes;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure route state of a logical connection: each transition and the sequences a connection goes through. */
class RouteStateTest {

    private static Node node(int index, String name, NodeRole role) {
        return TestNodes.node(index, name, role);
    }

    private final Node primary = node(0, "primary", NodeRole.PRIMARY);
    private final Node r1 = node(1, "r1", NodeRole.REPLICA);
    private final Node r2 = node(2, "r2", NodeRole.REPLICA);
    private final RouteState state = new RouteState();

    @Test
    void autocommitStatementsBindNoTransaction() {
        state.routed(r1, RouteReason.READ, false, true);
        state.routed(primary, RouteReason.WRITE, false, true);
        assertThat(state.txNode()).isNull();
        assertThat(state.pinned()).isFalse();
    }

    @Test
    void theFirstStatementOfATransactionBindsIt() {
        state.routed(r1, RouteReason.TX_READ_ONLY, false, false);
        state.routed(primary, RouteReason.WRITE, false, false);
        assertThat(state.txNode()).isSameAs(r1);
        assertThat(state.txReason()).isEqualTo(RouteReason.TX_READ_ONLY);
    }

    @Test
    void aPinningStatementPinsInAndOutOfTransactions() {
        state.routed(primary, RouteReason.WRITE, true, true);
        assertThat(state.pinned()).isTrue();
        assertThat(state.toString()).contains("pinned");
        RouteState other = new RouteState();
        other.pin();
        assertThat(other.pinned()).isTrue();
    }

    @Test
    void anAutocommitWriteOnThePrimaryMarksTheScopeAtOnceAReadDoesNot() {
        assertThat(state.succeededOnPrimary(true, false)).isTrue();
        assertThat(state.succeededOnPrimary(false, false)).isFalse();
    }

    @Test
    void aReadWriteTransactionMarksAtCommitEvenWhenItsStatementsLookedLikeReads() {
        state.begin(primary, RouteReason.TX_READ_WRITE);
        assertThat(state.succeededOnPrimary(false, false)).isFalse();
        assertThat((Throwable) state.endTransaction()).isNull();
        assertThat(state.committed()).isTrue();
        assertThat(state.committed()).as("the flag is cleared").isFalse();
    }

    @Test
    void aReadOnlyTransactionOnThePrimaryMarksNothing() {
        state.begin(primary, RouteReason.NO_REPLICA_FALLBACK);
        assertThat(state.succeededOnPrimary(true, true)).isFalse();
        state.endTransaction();
        assertThat(state.committed()).isFalse();
    }

    @Test
    void aRolledBackTransactionMarksNothing() {
        state.begin(primary, RouteReason.TX_READ_WRITE);
        state.succeededOnPrimary(true, false);
        state.endTransaction();
        state.rolledBack();
        assertThat(state.committed()).isFalse();
    }

    @Test
    void opaqueUseOfThePrimaryMarksEveryCommitAfterIt() {
        state.opaque();
        assertThat(state.opaqueWrites()).isTrue();
        state.begin(r1, RouteReason.TX_READ_ONLY);
        state.endTransaction();
        assertThat(state.committed()).isTrue();
        assertThat(state.committed()).as("still opaque after the first commit").isTrue();
    }

    @Test
    void aBrokenTransactionIsReportedOnceAndForgetsItsWrites() {
        SQLException cause = new SQLException("gone", "08006");
        state.begin(primary, RouteReason.TX_READ_WRITE);
        state.succeededOnPrimary(true, false);
        state.broken(cause);
        assertThat((Throwable) state.endTransaction()).isSameAs(cause);
        assertThat(state.txNode()).isNull();
        assertThat(state.committed()).as("nothing of a broken transaction stands").isFalse();
        state.begin(primary, RouteReason.TX_READ_WRITE);
        assertThat((Throwable) state.endTransaction()).as("reported once").isNull();
    }

    @Test
    void aNewTransactionStartsWithoutTheLastOnesWrites() {
        state.begin(primary, RouteReason.TX_READ_WRITE);
        state.succeededOnPrimary(false, false);
        state.begin(primary, RouteReason.TX_READ_WRITE);
        state.endTransaction();
        assertThat(state.committed()).isFalse();
    }

    @Test
    void theSharedInitialStateAnswersLikeANewOneAndRefusesEveryTransition() {
        RouteState initial = RouteState.INITIAL;
        assertThat(initial.txNode()).isNull();
        assertThat(initial.txReason()).isNull();
        assertThat(initial.pinned()).isFalse();
        assertThat(initial.opaqueWrites()).isFalse();
        assertThat(initial.succeededOnPrimary(true, false)).as("an autocommit write marks the scope").isTrue();
        assertThat(initial.succeededOnPrimary(false, false)).isFalse();
        List<Runnable> transitions = List.of(initial::pin, () -> initial.routed(r1, RouteReason.READ, false, true),
                () -> initial.begin(primary, RouteReason.TX_READ_WRITE), () -> initial.broken(new SQLException("x")),
                initial::endTransaction, initial::committed, initial::rolledBack, initial::opaque, initial::closed);
        for (Runnable t : transitions) {
            assertThatThrownBy(t::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        }
        assertThat(initial.txNode()).isNull();
        assertThat(initial.pinned()).isFalse();
        assertThat(initial.opaqueWrites()).isFalse();
    }

    @Test
    void closingEndsTheBindingButKeepsTheRest() {
        state.begin(r1, RouteReason.TX_READ_ONLY);
        state.pin();
        state.closed();
        assertThat(state.txNode()).isNull();
        assertThat(state.toString()).doesNotContain("tx on");
    }

    @Test
    void describesItsTransaction() {
        state.begin(r2, RouteReason.TX_READ_ONLY);
        assertThat(state.toString()).isEqualTo("[tx on r2]");
    }
}
