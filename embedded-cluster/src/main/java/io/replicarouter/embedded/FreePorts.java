package io.replicarouter.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks loopback TCP ports nobody listens on. A port is free only until someone binds it, so the cluster
 * retries a server start on another port when PostgreSQL reports the address in use; ports handed out in
 * this JVM are never handed out again, so two clusters of one JVM cannot race for the same one.
 */
final class FreePorts {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    static int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new ClusterException("cannot find a free loopback port: " + e.getMessage(), e);
            }
        }
        throw new ClusterException("cannot find a free loopback port after 100 tries");
    }
}
