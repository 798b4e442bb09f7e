package io.replicarouter.internal.jdbc;

import io.replicarouter.RouteReason;
import io.replicarouter.internal.topology.Node;

import java.sql.SQLException;

/**
 * Where a logical connection's statements go, as state without I/O: whether it is pinned to the primary, the node
 * and reason of its running transaction, whether that transaction wrote, the connection failure that ended it,
 * the replica its autocommit reads stick to, and whether the primary was used through an object the router
 * cannot see into. Each transition is one method; none borrows, sends or logs anything.
 */
final class RouteState {

    private boolean pinned;
    private Node txNode;
    private RouteReason txReason;
    private boolean txWrote;
    /** The connection failure that ended the current transaction's session, or {@code null}. */
    private SQLException txBroken;
    private Node lastReplica;
    /**
     * The primary was used through an API the router cannot see into (a callable statement, a LOB or SQLXML
     * writer, the driver's own connection): every later read resolves the scope's position afresh.
     */
    private boolean opaqueWrites;

    boolean pinned() {
        return pinned;
    }

    /** Session state was set on the primary (or its driver connection was handed out): stay there. */
    void pin() {
        pinned = true;
    }

    /** The running transaction's node, or {@code null} (autocommit, or nothing ran yet). */
    Node txNode() {
        return txNode;
    }

    RouteReason txReason() {
        return txReason;
    }

    /**
     * A statement was routed to {@code node}: a pinning statement pins, and outside autocommit the first statement
     * of a transaction binds the transaction to its node.
     */
    void routed(Node node, RouteReason reason, boolean pin, boolean autoCommit) {
        if (pin) {
            pinned = true;
        }
        if (!autoCommit && txNode == null) {
            begin(node, reason);
        }
    }

    /** Binds the transaction that starts now to {@code node}. */
    void begin(Node node, RouteReason reason) {
        txNode = node;
        txReason = reason;
        txWrote = false;
    }

    /**
     * A statement succeeded on the primary. In a transaction it is remembered (any statement of a read-write
     * transaction may have written: a "read" may call a function that writes) and the scope is marked at commit;
     * outside one, an autocommit write marks the scope now.
     *
     * @return whether the scope must be marked now
     */
    boolean succeededOnPrimary(boolean write, boolean readOnly) {
        if (txNode != null) {
            txWrote |= !readOnly;
            return false;
        }
        return write;
    }

    /** The transaction's session broke: remembered, so that commit explains it and rollback succeeds. */
    void broken(SQLException error) {
        txBroken = error;
    }

    /**
     * Ends the transaction's binding.
     *
     * @return the connection failure that broke it, or {@code null}
     */
    SQLException endTransaction() {
        txNode = null;
        SQLException broken = txBroken;
        if (broken != null) {
            txBroken = null;
            txWrote = false;
        }
        return broken;
    }

    /**
     * The transaction committed: whether the scope must be marked (it wrote, or the primary was used through an
     * opaque object); clears the write flag.
     */
    boolean committed() {
        boolean mark = txWrote || opaqueWrites;
        txWrote = false;
        return mark;
    }

    /** The transaction rolled back: nothing it wrote stands. */
    void rolledBack() {
        txWrote = false;
    }

    /** The replica autocommit reads stick to, or {@code null}. */
    Node lastReplica() {
        return lastReplica;
    }

    void lastReplica(Node node) {
        lastReplica = node;
    }

    /** {@code node} failed or was released: reads no longer stick to it. */
    void forget(Node node) {
        if (lastReplica == node) {
            lastReplica = null;
        }
    }

    /** The primary is used through an object the router cannot see into. */
    void opaque() {
        opaqueWrites = true;
    }

    boolean opaqueWrites() {
        return opaqueWrites;
    }

    /** The logical connection closed. */
    void closed() {
        txNode = null;
    }

    @Override
    public String toString() {
        return (txNode != null ? "[tx on " + txNode.name() + "]" : "") + (pinned ? "[pinned]" : "");
    }
}
