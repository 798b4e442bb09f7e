package io.replicarouter.sample.dashboard;

import io.replicarouter.embedded.ClusterNode;
import io.replicarouter.embedded.EmbeddedCluster;
import io.replicarouter.spring.embedded.EmbeddedReplicaCluster;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The dashboard's fault buttons, on the embedded cluster only (the {@code embedded} profile; with external nodes
 * there is nothing to break from here): pause/resume replay, a 2-second apply delay, kill/restart, promote.
 */
@Component
public class FaultControls {

    private static final Logger log = LoggerFactory.getLogger(FaultControls.class);

    /** What a button does. */
    public enum Action {
        PAUSE, RESUME, DELAY, UNDELAY, KILL, RESTART, PROMOTE;

        static Action of(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("no fault action '" + name + "' (pause, resume, delay, undelay,"
                        + " kill, restart, promote)");
            }
        }
    }

    static final Duration APPLY_DELAY = Duration.ofSeconds(2);

    private final ObjectProvider<EmbeddedReplicaCluster> embedded;

    public FaultControls(ObjectProvider<EmbeddedReplicaCluster> embedded) {
        this.embedded = embedded;
    }

    /** Whether this instance runs the embedded cluster (the buttons show only then). */
    public boolean available() {
        return embedded.getIfAvailable() != null;
    }

    /** Applies {@code action} to the node named {@code node}; a description of what was done. */
    public String apply(String action, String node) {
        EmbeddedReplicaCluster holder = embedded.getIfAvailable();
        if (holder == null) {
            throw new IllegalStateException("fault controls need the embedded cluster (profile 'embedded')");
        }
        EmbeddedCluster cluster = holder.cluster();
        ClusterNode target = cluster.nodes().stream().filter(n -> n.name().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node '" + node + "' in the embedded cluster"));
        Action a = Action.of(action);
        boolean isPrimary = target.equals(cluster.currentPrimary());
        if (isPrimary && a != Action.KILL && a != Action.RESTART) {
            throw new IllegalArgumentException(a.name().toLowerCase(Locale.ROOT) + " applies to a replica, and "
                    + node + " is the primary");
        }
        switch (a) {
            case PAUSE -> cluster.pauseReplay(target);
            case RESUME -> cluster.resumeReplay(target);
            case DELAY -> cluster.applyDelay(target, APPLY_DELAY);
            case UNDELAY -> cluster.applyDelay(target, Duration.ZERO);
            case KILL -> cluster.kill(target);
            case RESTART -> {
                if (cluster.isRunning(target)) {
                    cluster.restart(target);
                } else {
                    cluster.start(target);
                }
            }
            case PROMOTE -> cluster.promote(target);
        }
        String done = a.name().toLowerCase(Locale.ROOT) + " " + node;
        log.info("dashboard fault control: {}", done);
        return done;
    }
}
