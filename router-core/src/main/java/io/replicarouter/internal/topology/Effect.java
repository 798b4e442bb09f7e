package io.replicarouter.internal.topology;

import io.replicarouter.EjectionCause;
import io.replicarouter.FenceCause;
import io.replicarouter.ProbeFailure;

/**
 * What the monitor does because of a round, besides publishing the next topology: the round decides
 * ({@link RoundRules}, pure), the monitor acts (aborts connections, logs, tells the listener). Each effect is
 * emitted once per change, which is what keeps the log to one line per change.
 */
public sealed interface Effect {

    /**
     * A node's probe failed.
     *
     * @param first whether it answered the round before (the listener hears of each run of failures)
     * @param log   whether the error differs from the one last logged (WARN once per change)
     * @param hung  the probe timed out or lost its connection: abort the node's connections (every round)
     */
    record Unreachable(int node, String error, boolean hung, boolean first, boolean log) implements Effect {
        /** How the probe failed, as the listener is told: no answer (hung) or an error the server sent back. */
        public ProbeFailure failure() {
            return hung ? ProbeFailure.NO_ANSWER : ProbeFailure.SERVER_ERROR;
        }
    }

    /** A node whose failure was logged answers again (INFO). */
    record Answers(int node) implements Effect {
    }

    /** The primary changed; -1 = none. */
    record PrimaryChanged(int from, int to) implements Effect {
        /** Whether one primary replaced another (a new timeline: the primary's positions seen mean nothing). */
        public boolean newTimeline() {
            return from >= 0 && to >= 0;
        }
    }

    /** A node is fenced: a second primary that lost, or a node of another cluster. */
    record Fenced(int node, FenceCause cause, String why) implements Effect {
    }

    /** The configured primary is a standby that never was the primary here (WARN once; told as a fence). */
    record Misconfigured(int node) implements Effect {
    }

    /** A replica leaves rotation: {@code cause} for metrics, {@code why} (the figures) for people. */
    record Ejected(int node, EjectionCause cause, String why) implements Effect {
    }

    /** A replica re-enters rotation (and slow-starts). */
    record Readmitted(int node) implements Effect {
    }
}
