package io.replicarouter;

import io.replicarouter.internal.consistency.TokenCodec;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Several {@link RoutingDataSource}s, each in front of its own PostgreSQL cluster (the shard groups of a sharded
 * database, or the databases one request of several services touches), whose consistency scopes and
 * force-primary regions open, travel and close together:
 * <pre>{@code
 * RoutingGroup shards = RoutingGroup.of(Map.of("ds_0", shard0, "ds_1", shard1));
 * try (RoutingGroup.Scope scope = shards.resumeScope(request.header("X-Consistency-Token"))) {
 *     ... // writes and reads through any member (or ShardingSphere over them)
 *     response.header("X-Consistency-Token", scope.token());
 * }
 * }</pre>
 * One scope is one {@link ConsistencyScope} per member, opened on the calling thread: each member tracks its own
 * cluster's WAL position, so a write on one shard makes later reads <em>of that shard</em> wait for its replicas,
 * and reads of the others are not slowed. Its {@linkplain Scope#token() token} carries one position per cluster,
 * keyed by the cluster's system identifier, and {@link #resumeScope(String)} gives each member its own.
 * What holds is per cluster: read-your-writes and monotonic reads on each; no snapshot across clusters.
 *
 * <p>Every member must be its own cluster with a known system identifier, and all must sign tokens with the
 * same secret (or none): {@link #of} checks both, asking each primary once. Immutable and thread-safe; it owns
 * nothing (closing the members is the application's business).
 */
public final class RoutingGroup {

    private final Map<String, RoutingDataSource> members;
    private final List<RoutingDataSource> order;
    private final long[] systemIds;
    private final TokenCodec codec;

    private RoutingGroup(Map<String, RoutingDataSource> members, long[] systemIds) {
        this.members = Collections.unmodifiableMap(members);
        this.order = List.copyOf(members.values());
        this.systemIds = systemIds;
        this.codec = order.get(0).tokenCodec();
    }

    /**
     * A group of the named data sources, in the map's iteration order (the names appear in error messages only).
     *
     * @throws IllegalArgumentException naming the members: none given, a blank name, one data source twice, two
     *                                  members on the same cluster, a cluster whose system identifier is unknown
     *                                  (no primary answered, or its user may not execute {@code pg_control_system()}),
     *                                  or members that sign tokens with different secrets
     */
    public static RoutingGroup of(Map<String, RoutingDataSource> members) {
        if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("a routing group needs at least one member");
        }
        Map<String, RoutingDataSource> copy = new LinkedHashMap<>();
        Map<RoutingDataSource, String> seen = new IdentityHashMap<>();
        for (Map.Entry<String, RoutingDataSource> e : members.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("routing group: a member's name is blank");
            }
            RoutingDataSource member = e.getValue();
            if (member == null) {
                throw new IllegalArgumentException("routing group member '" + name + "' is null");
            }
            String other = seen.putIfAbsent(member, name);
            if (other != null) {
                throw new IllegalArgumentException("routing group members '" + other + "' and '" + name
                        + "' are the same RoutingDataSource");
            }
            copy.put(name, member);
        }
        checkSameKey(copy);
        return new RoutingGroup(copy, distinctClusters(copy));
    }

    /** {@link #of(Map)} with the members named by their position, from 0. */
    public static RoutingGroup of(RoutingDataSource... members) {
        Map<String, RoutingDataSource> named = new LinkedHashMap<>();
        for (int i = 0; i < members.length; i++) {
            named.put(String.valueOf(i), members[i]);
        }
        return of(named);
    }

    private static void checkSameKey(Map<String, RoutingDataSource> members) {
        Map.Entry<String, RoutingDataSource> first = null;
        for (Map.Entry<String, RoutingDataSource> e : members.entrySet()) {
            if (first == null) {
                first = e;
            } else if (!first.getValue().tokenCodec().sameKey(e.getValue().tokenCodec())) {
                throw new IllegalArgumentException("routing group members '" + first.getKey() + "' and '"
                        + e.getKey() + "' sign consistency tokens differently (different tokenSecret, or only one"
                        + " has one): give every member the same tokenSecret");
            }
        }
    }

    /** The members' system identifiers, in order; refuses unknown and repeated ones, naming the members. */
    private static long[] distinctClusters(Map<String, RoutingDataSource> members) {
        long[] ids = new long[members.size()];
        Map<Long, String> seen = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, RoutingDataSource> e : members.entrySet()) {
            OptionalLong id = e.getValue().systemIdentifier();
            if (id.isEmpty()) {
                throw new IllegalArgumentException("routing group member '" + e.getKey() + "': its cluster's system"
                        + " identifier is unknown (no primary answered, or its user may not execute"
                        + " pg_control_system()); consistency tokens key each cluster's position by it. Grant it:"
                        + " GRANT EXECUTE ON FUNCTION pg_control_system() TO <the router's user>");
            }
            String other = seen.putIfAbsent(id.getAsLong(), e.getKey());
            if (other != null) {
                throw new IllegalArgumentException("routing group members '" + other + "' and '" + e.getKey()
                        + "' are the same cluster (system identifier " + Long.toUnsignedString(id.getAsLong())
                        + "): give each member its own primary");
            }
            ids[i++] = id.getAsLong();
        }
        return ids;
    }

    /** The members by name, in order. */
    public Map<String, RoutingDataSource> members() {
        return members;
    }

    /** Opens a scope on this thread in every member, each with its own default level. */
    public Scope openScope() {
        List<ConsistencyScope> parts = new ArrayList<>(order.size());
        for (RoutingDataSource member : order) {
            parts.add(member.openScope());
        }
        return new Scope(this, parts);
    }

    /** Opens a scope with {@code level} on this thread in every member; close it when the unit of work ends. */
    public Scope openScope(Consistency level) {
        Objects.requireNonNull(level, "level");
        List<ConsistencyScope> parts = new ArrayList<>(order.size());
        for (RoutingDataSource member : order) {
            parts.add(member.openScope(level));
        }
        return new Scope(this, parts);
    }

    /**
     * Opens a scope on this thread in every member (each with its default level) that continues the one
     * {@code token} came from: each member adopts its own cluster's position by the rules of
     * {@link RoutingDataSource#resumeScope(String)}; positions of clusters outside the group are kept and exported
     * again. A bad token is ignored with one warning and one {@link RoutingListener#tokenIgnored} event (on the
     * first member); {@code null} or blank opens a fresh scope.
     */
    public Scope resumeScope(String token) {
        return openScope().adopt(token);
    }

    /** {@link #resumeScope(String)} with {@code level} for every member. */
    public Scope resumeScope(String token, Consistency level) {
        return openScope(level).adopt(token);
    }

    /** Opens a region in which this thread's statements go to the primary of every member; close it. */
    public PrimaryScope forcePrimary() {
        List<PrimaryScope> parts = new ArrayList<>(order.size());
        for (RoutingDataSource member : order) {
            parts.add(member.forcePrimary());
        }
        return new PrimaryScope(() -> closeReversed(parts));
    }

    /** Runs {@code work} with every statement of this thread on the primary of every member. */
    public <T> T onPrimary(RoutingDataSource.SqlSupplier<T> work) throws SQLException {
        try (PrimaryScope scope = forcePrimary()) {
            return work.get();
        }
    }

    /**
     * What this thread has open in the members now (their innermost scopes, whether each forces the primary), as a
     * handle another thread can continue: for work handed to an executor, or the worker threads of an engine such
     * as ShardingSphere that runs parts of one statement in parallel.
     */
    public Captured currentScope() {
        List<CapturedScope> parts = new ArrayList<>(order.size());
        for (RoutingDataSource member : order) {
            parts.add(member.currentScope());
        }
        return new Captured(this, parts);
    }

    /** Adds what {@code token} records to the parts, each member its own cluster's position. */
    private void adopt(List<ConsistencyScope> parts, String token) {
        if (token == null || token.isBlank()) {
            return;
        }
        TokenCodec.Decoded decoded = codec.decode(token.trim());
        RoutingDataSource first = order.get(0);
        if (!decoded.ok()) {
            first.reportIgnoredToken(decoded.problem(), decoded.detail());
            return;
        }
        boolean known = false;
        for (Map.Entry<Long, Long> e : decoded.positions().entrySet()) {
            int member = indexOf(e.getKey());
            if (member < 0) {
                parts.get(0).state().carry(e.getKey(), e.getValue());
            } else {
                known = true;
                order.get(member).adoptPosition(parts.get(member).state(), e.getValue());
            }
        }
        if (!known && !decoded.positions().isEmpty()) {
            first.reportIgnoredToken(TokenProblem.OTHER_CLUSTER, "no position for any cluster of the group "
                    + members.keySet());
        }
    }

    /** The token of the parts: every member's positions, the highest per cluster. */
    private String token(List<ConsistencyScope> parts) throws SQLException {
        Map<Long, Long> merged = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            order.get(i).exportPositions(parts.get(i).state()).forEach((id, lsn) ->
                    merged.merge(id, lsn, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b));
        }
        return codec.encode(merged);
    }

    private int indexOf(long systemId) {
        for (int i = 0; i < systemIds.length; i++) {
            if (systemIds[i] == systemId) {
                return i;
            }
        }
        return -1;
    }

    /** Closes the parts, the last opened first (none of their {@code close()} throws). */
    private static void closeReversed(List<? extends AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException(e); // not reached: ConsistencyScope and PrimaryScope do not throw
            }
        }
    }

    @Override
    public String toString() {
        return "RoutingGroup" + members.keySet();
    }

    /**
     * One consistency scope over every member of a group: a {@link ConsistencyScope} per member, open on the
     * thread that opened (or continued) it. Close it on that thread, best with try-with-resources.
     */
    public static final class Scope implements AutoCloseable {

        private final RoutingGroup group;
        private final List<ConsistencyScope> parts;

        private Scope(RoutingGroup group, List<ConsistencyScope> parts) {
            this.group = group;
            this.parts = parts;
        }

        /** This scope's part in the member {@code name}. */
        public ConsistencyScope part(String name) {
            RoutingDataSource member = group.members.get(name);
            if (member == null) {
                throw new IllegalArgumentException("no member '" + name + "' in " + group);
            }
            return parts.get(group.order.indexOf(member));
        }

        /**
         * The scope as one token: per cluster, the position its reads must see. Resolving the pending writes costs
         * one round trip to the primary of each member written to since the last token, and nothing for the
         * others. Continue it with {@link RoutingGroup#resumeScope(String)}, or on one member alone with
         * {@link RoutingDataSource#resumeScope(String)} (which keeps the other clusters' positions).
         */
        public String token() throws SQLException {
            return group.token(parts);
        }

        /** Whether a write was recorded in any member's part. */
        public boolean hasWrites() {
            for (ConsistencyScope part : parts) {
                if (part.hasWrites()) {
                    return true;
                }
            }
            return false;
        }

        /** Whether {@link #token()} would carry a position, of any cluster. */
        public boolean hasPosition() {
            for (ConsistencyScope part : parts) {
                if (part.hasPosition()) {
                    return true;
                }
            }
            return false;
        }

        /** Merges a token's positions into this open scope, each member its own; see {@link RoutingGroup#resumeScope}. */
        public Scope adopt(String token) {
            group.adopt(parts, token);
            return this;
        }

        /** {@link ConsistencyScope#maxStaleness(Duration)} for every member's part. */
        public Scope maxStaleness(Duration budget) {
            for (ConsistencyScope part : parts) {
                part.maxStaleness(budget);
            }
            return this;
        }

        /** This scope (and whether this thread forces the primary of each member) as a handle for another thread. */
        public Captured capture() {
            List<CapturedScope> captured = new ArrayList<>(parts.size());
            for (ConsistencyScope part : parts) {
                captured.add(part.capture());
            }
            return new Captured(group, captured);
        }

        /** Ends the scope on this thread, in every member. Idempotent. */
        @Override
        public void close() {
            closeReversed(parts);
        }
    }

    /**
     * A group's scopes taken from one thread to continue them on another ({@link #continueHere()}): the same
     * scopes, shared, as {@link CapturedScope} is for one data source. Immutable and thread-safe.
     */
    public static final class Captured {

        private final RoutingGroup group;
        private final List<CapturedScope> parts;

        private Captured(RoutingGroup group, List<CapturedScope> parts) {
            this.group = group;
            this.parts = parts;
        }

        /** Whether continuing it changes nothing: no member had a scope open or forced the primary. */
        public boolean isEmpty() {
            for (CapturedScope part : parts) {
                if (!part.isEmpty()) {
                    return false;
                }
            }
            return true;
        }

        /** Continues every member's captured scope (and forced primary) on this thread until the result is closed. */
        public Scope continueHere() {
            List<ConsistencyScope> continued = new ArrayList<>(parts.size());
            for (CapturedScope part : parts) {
                continued.add(part.continueHere());
            }
            return new Scope(group, continued);
        }

        /** {@code task}, run in these scopes on whatever thread runs it. */
        public Runnable wrap(Runnable task) {
            Objects.requireNonNull(task, "task");
            return () -> {
                try (Scope continued = continueHere()) {
                    task.run();
                }
            };
        }

        /** {@code task}, called in these scopes on whatever thread calls it. */
        public <T> Callable<T> wrap(Callable<T> task) {
            Objects.requireNonNull(task, "task");
            return () -> {
                try (Scope continued = continueHere()) {
                    return task.call();
                }
            };
        }

        /** An executor that runs every task given to it in these scopes. */
        public Executor wrap(Executor executor) {
            Objects.requireNonNull(executor, "executor");
            return task -> executor.execute(wrap(task));
        }
    }
}
