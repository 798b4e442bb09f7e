package io.replicarouter.internal.jdbc;

import io.replicarouter.RouteReason;
import io.replicarouter.internal.topology.Node;

import java.sql.SQLException;

/**
 * Where a logical connection's statements go, as state without I/O: whether it is pinned to the primary, the node
 * and reason of its running transaction, whether that transaction wrote, the connection failure that ended it,
 * and whether the primary was used through an object the router cannot see into. Each transition is one method;
 * none borrows, sends or logs anything.
 *
 * <p>A connection that only runs autocommit statements never leaves the initial state: it shares {@link #INITIAL}
 * and makes its own on the first transition, so most connections allocate none. {@code INITIAL} refuses every
 * transition (a connection that forgot to make its own fails loudly instead of changing every connection's state).
 */
final class RouteState {

    /** The state of every connection before its first transition; read-only. */
    static final RouteState INITIAL = new RouteState();

    private boolean pinned;
    private Node txNode;
    private RouteReason txReason;
    private boolean txWrote;
    /** The connection failure that ended the current transaction's session, or {@code null}. */
    private SQLException txBroken;
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
        writable();
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
        writable();
        if (pin) {
            pinned = true;
        }
        if (!autoCommit && txNode == null) {
            begin(node, reason);
        }
    }

    /** Binds the transaction that starts now to {@code node}. */
    void begin(Node node, RouteReason reason) {
        writable();
        txNode = node;
        txReason = reason;
        txWrote = false;
    }

    /**
     * A statement succeeded on the primary. In a transaction it is remembered (any statement of a read-write
     * transaction may have written: a "read" may call a function that writes) and the scope is marked at commit;
     * outside one, an autocommit write marks the scope now. Outside a transaction it changes nothing (so
     * {@link #INITIAL} answers it too).
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
        writable();
        txBroken = error;
    }

    /**
     * Ends the transaction's binding.
     *
     * @return the connection failure that broke it, or {@code null}
     */
    SQLException endTransaction() {
        writable();
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
        writable();
        boolean mark = txWrote || opaqueWrites;
        txWrote = false;
        return mark;
    }

    /** The transaction rolled back: nothing it wrote stands. */
    void rolledBack() {
        writable();
        txWrote = false;
    }

    /** The primary is used through an object the router cannot see into. */
    void opaque() {
        writable();
        opaqueWrites = true;
    }

    boolean opaqueWrites() {
        return opaqueWrites;
    }

    /** The logical connection closed. */
    void closed() {
        writable();
        txNode = null;
    }

    private void writable() {
        if (this == INITIAL) {
            throw new IllegalStateException("the shared initial route state is read-only: make the connection's own");
        }
    }

    @Override
    public String toString() {
        return (txNode != null ? "[tx on " + txNode.name() + "]" : "") + (pinned ? "[pinned]" : "");
    }
}
