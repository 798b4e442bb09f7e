package io.replicarouter.internal.routing;

import io.replicarouter.RouteReason;
import io.replicarouter.internal.sql.Classification;
import io.replicarouter.internal.sql.Hint;
import io.replicarouter.internal.sql.StatementType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rule of the routing contract as a row: state of the connection + statement → target, reason, pin. */
class RoutePlannerTest {

    record State(boolean autoCommit, boolean readOnly, int isolation, boolean pinnedToPrimary,
                 boolean transactionBound) implements ConnectionState {
    }

    @ParameterizedTest(name = "[{index}] auto={0} ro={1} iso={2} pinned={3} bound={4} forced={5} {6} hint={7} -> {8} {9} pin={10}")
    @CsvSource({
            // autoCommit, readOnly, isolation, pinned, txBound, forced, type, hintPrimary, target, reason, pin
            // -- autocommit statements are classified one by one (rule 3)
            "true,  false, -1, false, false, false, READ,                false, REPLICA,     READ,            false",
            "true,  false, -1, false, false, false, WRITE,               false, PRIMARY,     WRITE,           false",
            "true,  true,  -1, false, false, false, READ,                false, REPLICA,     READ,            false",
            "true,  true,  -1, false, false, false, WRITE,               false, PRIMARY,     WRITE,           false",
            // -- session state pins (rule 4)
            "true,  false, -1, false, false, false, SESSION_STATE,       false, PRIMARY,     SESSION_PINNED,  true",
            "true,  false, -1, false, false, false, TRANSACTION_CONTROL, false, PRIMARY,     SESSION_PINNED,  true",
            "true,  false, -1, true,  false, false, READ,                false, PRIMARY,     SESSION_PINNED,  false",
            "true,  false, -1, true,  false, false, WRITE,               false, PRIMARY,     SESSION_PINNED,  false",
            // -- forcing the primary (rule 5)
            "true,  false, -1, false, false, true,  READ,                false, PRIMARY,     FORCED,          false",
            "true,  false, -1, false, false, false, READ,                true,  PRIMARY,     HINT,            false",
            "true,  false, -1, false, false, true,  READ,                true,  PRIMARY,     FORCED,          false",
            // -- read-write transaction: primary (rule 1)
            "false, false, -1, false, false, false, READ,                false, PRIMARY,     TX_READ_WRITE,   false",
            "false, false, -1, false, false, false, WRITE,               false, PRIMARY,     TX_READ_WRITE,   false",
            "false, false,  8, false, false, false, READ,                false, PRIMARY,     TX_READ_WRITE,   false",
            // -- read-only transaction: one replica (rule 2); serializable goes to the primary
            "false, true,  -1, false, false, false, READ,                false, REPLICA,     TX_READ_ONLY,    false",
            "false, true,  -1, false, false, false, WRITE,               false, REPLICA,     TX_READ_ONLY,    false",
            "false, true,   2, false, false, false, READ,                false, REPLICA,     TX_READ_ONLY,    false",
            "false, true,   4, false, false, false, READ,                false, REPLICA,     TX_READ_ONLY,    false",
            "false, true,   8, false, false, false, READ,                false, PRIMARY,     TX_SERIALIZABLE, false",
            "false, true,  -1, false, false, true,  READ,                false, PRIMARY,     FORCED,          false",
            "false, true,  -1, false, false, false, READ,                true,  PRIMARY,     HINT,            false",
            "false, true,  -1, true,  false, false, READ,                false, PRIMARY,     SESSION_PINNED,  false",
            "false, true,  -1, false, false, false, SESSION_STATE,       false, PRIMARY,     SESSION_PINNED,  true",
            // -- once a transaction runs somewhere, it never switches (rule 1/2)
            "false, false, -1, false, true,  false, READ,                false, TRANSACTION, TX_READ_WRITE,   false",
            "false, true,  -1, false, true,  false, WRITE,               false, TRANSACTION, TX_READ_WRITE,   false",
            "false, true,  -1, false, true,  true,  READ,                true,  TRANSACTION, TX_READ_WRITE,   false",
            "false, true,  -1, false, true,  false, SESSION_STATE,       false, TRANSACTION, TX_READ_WRITE,   true",
            "false, false, -1, true,  true,  false, READ,                false, TRANSACTION, TX_READ_WRITE,   false",
    })
    void plans(boolean autoCommit, boolean readOnly, int isolation, boolean pinned, boolean bound, boolean forced,
               StatementType type, boolean hintPrimary, Target target, RouteReason reason, boolean pin) {
        Classification c = new Classification(type, hintPrimary ? new Hint(true, null) : Hint.NONE, "test");
        Plan plan = RoutePlanner.plan(new State(autoCommit, readOnly, isolation, pinned, bound), c, forced);
        assertThat(plan.target()).isEqualTo(target);
        if (target != Target.TRANSACTION) {
            assertThat(plan.reason()).isEqualTo(reason);
        }
        assertThat(plan.pin()).isEqualTo(pin);
        assertThat(plan.retryable()).isEqualTo(reason == RouteReason.READ && target == Target.REPLICA);
    }
}
