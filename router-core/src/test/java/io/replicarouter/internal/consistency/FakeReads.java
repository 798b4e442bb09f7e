package io.replicarouter.internal.consistency;

import io.replicarouter.Consistency;
import io.replicarouter.TokenProblem;
import io.replicarouter.internal.routing.ReadRequirement;
import io.replicarouter.internal.topology.PrimaryPosition;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.List;

/**
 * A logical connection and router made of fake nodes, for {@link ScopedReads} and {@link CatchUp}: each replica
 * has a position it reports when asked (reaching a target at a given time, if told), the router chooses like
 * the real one (preferred kept while it qualifies, else the balancer's first qualifying), and every question is
 * logged.
 */
final class FakeReads implements ReadSession<FakeReads.FakeNode>, ReadCluster<FakeReads.FakeNode> {

    static final long MS = 1_000_000L;

    /** A node: what the monitor knows of it, and what it answers when asked. */
    final class FakeNode {
        final String name;
        final boolean replica;
        boolean up = true;
        boolean answers = true;
        long lagNanos;
        long known;
        long sampledAt;
        long actual;
        long reachAt = Long.MAX_VALUE;
        long reachLsn;
        int asks;

        FakeNode(String name, boolean replica) {
            this.name = name;
            this.replica = replica;
        }

        /** Known at {@code lsn}, sampled at {@code sampledAt}, and that is where it is (until told otherwise). */
        FakeNode at(long lsn, long sampledAt) {
            this.known = lsn;
            this.actual = lsn;
            this.sampledAt = sampledAt;
            return this;
        }

        FakeNode lag(long nanos) {
            this.lagNanos = nanos;
            return this;
        }

        /** When asked at or after {@code time}, it has replayed {@code lsn}. */
        FakeNode reaches(long lsn, long time) {
            this.reachLsn = lsn;
            this.reachAt = time;
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    final FakeClock clock;
    final FakeNode primary = new FakeNode("primary", false);
    final List<FakeNode> replicas = new ArrayList<>();
    /** The balancer's order of preference (default: the topology's). */
    List<FakeNode> balancerOrder;
    final List<String> log = new ArrayList<>();
    /** "problem: detail" of every ignored token. */
    final List<String> ignored = new ArrayList<>();
    final PrimaryPosition position = new PrimaryPosition();
    ScopeState scope;
    Consistency defaultLevel = Consistency.READ_YOUR_WRITES;
    boolean autoCommit = true;
    boolean opaqueWrites;
    boolean primaryDown;
    boolean failOnNoReplica;
    long primaryLsn;
    long maxWaitNanos;
    FakeNode lastReplica;

    FakeReads(FakeClock clock) {
        this.clock = clock;
    }

    FakeNode replica(String name) {
        FakeNode r = new FakeNode(name, true);
        replicas.add(r);
        return r;
    }

    /** A scope that wrote just now, with the primary at {@code lsn} after it. */
    ScopeState wrote(Consistency level, long lsn) {
        scope = new ScopeState(level);
        scope.markWrite(clock.nanoTime());
        primaryLsn = lsn;
        return scope;
    }

    List<String> asks() {
        return log.stream().filter(e -> e.startsWith("ask ")).toList();
    }

    @Override
    public ScopeState scope() {
        return scope;
    }

    @Override
    public Consistency defaultLevel() {
        return defaultLevel;
    }

    @Override
    public boolean autoCommit() {
        return autoCommit;
    }

    @Override
    public boolean opaqueWrites() {
        return opaqueWrites;
    }

    @Override
    public FakeNode lastReplica() {
        return lastReplica;
    }

    @Override
    public void lastReplica(FakeNode replica) {
        lastReplica = replica;
    }

    private static boolean meets(FakeNode r, ReadRequirement q) {
        return r.up && (q.minLsn() == 0 || Long.compareUnsigned(r.known, q.minLsn()) >= 0)
                && r.lagNanos <= q.maxStalenessNanos();
    }

    @Override
    public FakeNode chooseReplica(FakeNode preferred, ReadRequirement requirement) {
        if (preferred != null && replicas.contains(preferred) && meets(preferred, requirement)) {
            return preferred;
        }
        for (FakeNode r : balancerOrder != null ? balancerOrder : replicas) {
            if (replicas.contains(r) && meets(r, requirement)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public List<FakeNode> replicas() {
        return replicas;
    }

    @Override
    public boolean isReplica(FakeNode node) {
        return node.replica;
    }

    @Override
    public boolean isUp(FakeNode replica) {
        return replica.up;
    }

    @Override
    public long lagNanos(FakeNode replica) {
        return replica.lagNanos;
    }

    @Override
    public long knownReplayLsn(FakeNode replica) {
        return replica.known;
    }

    @Override
    public long replaySampledAt(FakeNode replica) {
        return replica.sampledAt;
    }

    @Override
    public FakeNode primary() throws SQLException {
        if (primaryDown) {
            throw new SQLNonTransientConnectionException("no primary", "08001");
        }
        return primary;
    }

    @Override
    public FakeNode fallback() throws SQLException {
        if (failOnNoReplica) {
            throw new SQLNonTransientConnectionException("no replica and FAIL", "08001");
        }
        return primary();
    }

    @Override
    public long askPrimaryLsn() throws SQLException {
        log.add("askPrimary");
        primary.asks++;
        if (primaryDown) {
            throw new SQLNonTransientConnectionException("no primary", "08001");
        }
        return primaryLsn;
    }

    @Override
    public long askReplayLsn(FakeNode replica) {
        log.add("ask " + replica.name);
        replica.asks++;
        if (!replica.answers) {
            return 0;
        }
        if (clock.nanoTime() - replica.reachAt >= 0 && Long.compareUnsigned(replica.reachLsn, replica.actual) > 0) {
            replica.actual = replica.reachLsn;
        }
        if (Long.compareUnsigned(replica.actual, replica.known) > 0) {
            replica.known = replica.actual; // as the adapter does: an answer raises the known position
            replica.sampledAt = clock.nanoTime();
        }
        return replica.actual;
    }

    @Override
    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    @Override
    public PrimaryPosition primaryPosition() {
        return position;
    }

    @Override
    public void tokenIgnored(TokenProblem problem, String detail) {
        ignored.add(problem + ": " + detail);
    }

    @Override
    public void waited(FakeNode replica, long waitedNanos, boolean satisfied) {
        log.add("waited " + replica + " " + waitedNanos + " " + satisfied);
    }
}
