package io.replicarouter.internal.jdbc;

import io.replicarouter.internal.topology.Node;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * The physical connections one logical connection holds, at most one per node, borrowed on first use and kept
 * for its life (or until a failure). The only place in the JDBC layer that marks a node down: a physical
 * connection that broke ({@link #broken}) takes its node out of rotation for the cool-down.
 *
 * <p>Most logical connections bind a single node: that one lives in a field, and an array indexed by node is made
 * only when a second node is bound. Not thread-safe, like the logical connection.
 */
final class BoundConnections {

    @FunctionalInterface
    interface Each {
        void apply(NodeSession session) throws SQLException;
    }

    private final LogicalConnection owner;
    /** The first node bound (and still bound), or {@code null}. */
    private NodeSession first;
    /** Any further node's session by node index; {@code null} until a second node is bound. */
    private NodeSession[] others;

    BoundConnections(LogicalConnection owner) {
        this.owner = owner;
    }

    /** The session on {@code node}, or {@code null} when none is bound. */
    NodeSession get(Node node) {
        NodeSession f = first;
        if (f != null && f.node == node) {
            return f;
        }
        return others == null ? null : others[node.index()];
    }

    /**
     * Borrows a physical connection from {@code node}'s pool and applies the logical connection's settings to it.
     * A connection that refuses a setting is given back and the error stands.
     */
    NodeSession bind(Node node, SessionSettings settings) throws SQLException {
        NodeSession s = new NodeSession(node, node.borrow(), owner);
        try {
            settings.applyTo(node.index(), s.physical);
        } catch (SQLException | RuntimeException e) {
            settings.restore(node.index(), s.physical);
            giveBack(s);
            throw e;
        }
        if (first == null) {
            first = s;
        } else {
            if (others == null) {
                others = new NodeSession[owner.context().nodeCount()];
            }
            others[node.index()] = s;
        }
        return s;
    }

    /** Whether any node is bound. */
    boolean any() {
        if (first != null) {
            return true;
        }
        if (others != null) {
            for (NodeSession s : others) {
                if (s != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code preferred}'s session when it is bound, else any bound one, else {@code null}. */
    NodeSession anyPreferring(Node preferred) {
        NodeSession p = preferred == null ? null : get(preferred);
        if (p != null) {
            return p;
        }
        if (first != null) {
            return first;
        }
        if (others != null) {
            for (NodeSession s : others) {
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Runs {@code each} on every bound session, the first failure stopping it. */
    void forEach(Each each) throws SQLException {
        if (first != null) {
            each.apply(first);
        }
        if (others != null) {
            for (NodeSession s : others) {
                if (s != null) {
                    each.apply(s);
                }
            }
        }
    }

    /** Takes {@code node}'s session out of this set (without giving it back), or returns {@code null}. */
    NodeSession remove(Node node) {
        NodeSession f = first;
        if (f != null && f.node == node) {
            first = null;
            return f;
        }
        if (others == null) {
            return null;
        }
        NodeSession s = others[node.index()];
        others[node.index()] = null;
        return s;
    }

    /**
     * The physical connection on {@code node} broke ({@code cause} is a connection failure): the node is marked
     * down for its cool-down, so that no other statement is sent there meanwhile.
     */
    void broken(Node node, SQLException cause) {
        node.health().markDown(cause);
    }

    /** Gives a session's physical connection back to its pool; a broken one is discarded by the pool. */
    static void giveBack(NodeSession s) {
        try {
            s.node.giveBack(s.physical);
        } catch (SQLException | RuntimeException ignored) {
            // a broken connection: the pool evicts it
        }
    }

    /**
     * Gives every physical connection back (the logical connection closes), restoring what the pool does not
     * reset first.
     *
     * @return the first failure to give one back, or {@code null}
     */
    SQLException closeAll(SessionSettings settings) {
        SQLException failure = null;
        for (NodeSession s = takeAny(); s != null; s = takeAny()) {
            settings.restore(s.node.index(), s.physical);
            try {
                s.node.giveBack(s.physical);
            } catch (SQLException e) {
                failure = failure == null ? e : failure;
            } catch (RuntimeException ignored) {
                // the pool closed meanwhile
            }
        }
        return failure;
    }

    /** Aborts every physical connection ({@link Connection#abort}) and hands each back to its pool to discard. */
    void abortAll(Executor executor) throws SQLException {
        SQLException failure = null;
        for (NodeSession s = takeAny(); s != null; s = takeAny()) {
            try {
                s.physical.abort(executor);
            } catch (SQLException e) {
                failure = failure == null ? e : failure;
            } finally {
                giveBack(s);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private NodeSession takeAny() {
        NodeSession s = anyPreferring(null);
        if (s != null) {
            remove(s.node);
        }
        return s;
    }
}
