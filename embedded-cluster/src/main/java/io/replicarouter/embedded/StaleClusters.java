package io.replicarouter.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Removes what a JVM that died without closing its clusters left behind (servers still running, temp
 * directories): each cluster directory records its owner's process id in {@value #OWNER_FILE}.
 */
final class StaleClusters {

    static final String OWNER_FILE = "owner.pid";
    static final String PREFIX = "cluster-";

    private static final Logger log = LoggerFactory.getLogger(StaleClusters.class);

    private StaleClusters() {
    }

    static void markOwned(Path clusterDir) throws IOException {
        Files.writeString(clusterDir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
    }

    static void cleanUp(Path base) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path dir : dirs) {
                if (isOrphan(dir)) {
                    removeOrphan(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not scan {} for stale clusters", base, e);
        }
    }

    private static boolean isOrphan(Path dir) throws IOException {
        Path owner = dir.resolve(OWNER_FILE);
        if (!Files.exists(owner)) {
            // Being created right now, or very old and broken: only the latter is ours to remove.
            return Files.getLastModifiedTime(dir).toInstant().isBefore(Instant.now().minus(Duration.ofMinutes(10)));
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(owner).trim());
        } catch (NumberFormatException e) {
            return true;
        }
        return !ServerProcesses.isAlive(pid);
    }

    private static void removeOrphan(Path dir) throws IOException {
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path node : nodes) {
                long pid = DataDirs.postmasterPid(node);
                if (ServerProcesses.isPostgres(pid)) {
                    log.warn("stopping PostgreSQL server {} left running by a JVM that exited: {}", pid, node);
                    ServerProcesses.killTree(pid, Duration.ofSeconds(10));
                }
            }
        }
        DataDirs.deleteQuietly(dir);
    }
}
