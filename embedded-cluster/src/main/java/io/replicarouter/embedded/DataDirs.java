package io.replicarouter.embedded;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-system chores for data directories: PostgreSQL insists on mode 0700 for them. */
final class DataDirs {

    private DataDirs() {
    }

    /** Creates {@code dir} with mode 0700 (parents must exist). */
    static Path createPrivate(Path dir) throws IOException {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * Copies a stopped server's data directory, keeping file modes and giving every directory mode 0700.
     * The {@code postmaster.pid} of the source is not copied.
     */
    static void copy(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                createPrivate(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (!name.equals("postmaster.pid") && !name.equals("postmaster.opts")) {
                    Files.copy(file, target.resolve(source.relativize(file).toString()),
                            StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a directory tree; reports nothing (used on close and on clean-up of stale clusters). */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a file that cannot be deleted is left behind
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** The first line of {@code postmaster.pid}, the postmaster's process id, or -1 when there is none. */
    static long postmasterPid(Path dataDir) {
        try (Stream<String> lines = Files.lines(dataDir.resolve("postmaster.pid"))) {
            return lines.findFirst().map(String::trim).map(Long::parseLong).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The status line of {@code postmaster.pid} ({@code starting}, {@code ready}, {@code standby}, ...), or "". */
    static String postmasterStatus(Path dataDir) {
        try (Stream<String> lines = Files.lines(dataDir.resolve("postmaster.pid"))) {
            return lines.skip(7).findFirst().map(String::trim).orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
