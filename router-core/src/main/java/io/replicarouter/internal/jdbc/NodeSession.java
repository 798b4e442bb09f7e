package io.replicarouter.internal.jdbc;

import io.replicarouter.internal.topology.Node;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A logical connection's physical connection on one node, borrowed from that node's pool, and the error hook of
 * the objects made on it (result sets, metadata, callable statements): a driver error there is handled like a
 * failed statement on this node. New for every borrow, so a physical statement cached for a session that was
 * given back is recognised by identity.
 */
final class NodeSession implements ErrorHook {

    final Node node;
    final Connection physical;
    private final LogicalConnection owner;

    NodeSession(Node node, Connection physical, LogicalConnection owner) {
        this.node = node;
        this.physical = physical;
        this.owner = owner;
    }

    @Override
    public SQLException translate(SQLException e) {
        return owner.failed(node, e, false, true);
    }

    @Override
    public String toString() {
        return node.name();
    }
}
