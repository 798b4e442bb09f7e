package io.replicarouter.bench.workload;

import io.replicarouter.bench.peers.Nodes;
import io.replicarouter.bench.peers.Peer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The workloads of issue 10 over two tables: {@code t(id, v)} with {@value #ROWS} rows whose {@code v} is
 * {@code 'v' || id} (reads), and {@code w(id, n)} with one row per user (write-then-read). Every read also
 * selects {@code inet_server_port()}, so the share of reads per node is exact.
 */
public final class Workloads {

    public static final int ROWS = 10_000;
    /** Rows of {@code w}: enough for 16 threads x 500 users. */
    public static final int USER_ROWS = 16 * 500;

    static final String READ = "select v, inet_server_port() from t where id = ?";
    static final String READ_OWN = "select n, inet_server_port() from w where id = ?";
    static final String WRITE_OWN = "update w set n = ? where id = ?";

    /** Values written to {@code w}: they only grow, so a smaller value read back is an older one (stale). */
    private static final AtomicLong WRITTEN = new AtomicLong(System.currentTimeMillis() * 1000);

    private Workloads() {
    }

    /** Creates the tables on the primary (the caller waits for the replicas to catch up). */
    public static void createTables(Connection primary) throws SQLException {
        try (Statement s = primary.createStatement()) {
            s.execute("CREATE TABLE t (id int primary key, v text not null)");
            s.execute("INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, " + ROWS + ") g");
            s.execute("CREATE TABLE w (id int primary key, n bigint not null)");
            s.execute("INSERT INTO w SELECT g, 0 FROM generate_series(1, " + USER_ROWS + ") g");
            s.execute("VACUUM ANALYZE t");
            s.execute("VACUUM ANALYZE w");
        }
    }

    /** A: borrow, prepare a primary-key select, execute, read and check the row, close. */
    public static Workload pointSelect() {
        return simple("A point select", (peer, nodes) -> tally -> {
            try (Connection c = peer.reader()) {
                readT(c, nodes, tally, 1 + ThreadLocalRandom.current().nextInt(ROWS));
            }
        });
    }

    /** D: a read-only transaction of three primary-key selects (setReadOnly(true), autocommit off, commit). */
    public static Workload readOnlyTransaction() {
        return simple("D read-only tx", (peer, nodes) -> tally -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try (Connection c = peer.reader()) {
                c.setReadOnly(true);
                c.setAutoCommit(false);
                for (int i = 0; i < 3; i++) {
                    readT(c, nodes, tally, 1 + random.nextInt(ROWS));
                }
                c.commit();
            }
        });
    }

    /**
     * B: one user's unit of work: an autocommit UPDATE of the user's row, then a SELECT of the same row on a new
     * borrow, inside one scope of the contender (Replica Router: a consistency scope). Stale when the select
     * does not see the value just written.
     */
    public static Workload writeThenRead(String name) {
        return new Workload() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Op newOp(Peer peer, Nodes nodes, int thread, int threads) {
                int id = thread + 1;
                return tally -> {
                    try (Peer.Unit unit = peer.begin(null)) {
                        long value = write(peer, id);
                        readOwn(peer, nodes, tally, id, value);
                    }
                };
            }
        };
    }

    /**
     * D: a 95/5 read/write mix of {@code users} users per thread, each operation one request of a user: resume
     * the user's token (Replica Router), one statement (95 %: read the user's own row; 5 %: write it), export the
     * token. A read that follows the user's write is checked for staleness; every read is checked for a value the
     * user never wrote.
     */
    public static Workload mix(int users) {
        return new Workload() {
            @Override
            public String name() {
                return "D 95/5 mix, " + users + (users == 1 ? " user" : " users") + "/thread";
            }

            @Override
            public Op newOp(Peer peer, Nodes nodes, int thread, int threads) {
                String[] tokens = new String[users];
                long[] last = currentValues(nodes, 1 + thread * users, users);
                boolean[] wrote = new boolean[users];
                return tally -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    int user = random.nextInt(users);
                    int id = 1 + thread * users + user;
                    try (Peer.Unit unit = peer.begin(tokens[user])) {
                        if (random.nextInt(100) < 5) {
                            last[user] = write(peer, id);
                            wrote[user] = true;
                        } else if (wrote[user]) {
                            readOwn(peer, nodes, tally, id, last[user]);
                            wrote[user] = false;
                        } else {
                            readOwnAny(peer, nodes, tally, id, last[user]);
                        }
                        tokens[user] = unit.token();
                    }
                };
            }
        };
    }

    /** E: point selects on every thread (a replica is killed while they run). */
    public static Workload replicaKilled() {
        return simple("E replica killed", (peer, nodes) -> tally -> {
            try (Connection c = peer.reader()) {
                readT(c, nodes, tally, 1 + ThreadLocalRandom.current().nextInt(ROWS));
            }
        });
    }

    private interface OpMaker {
        Workload.Op make(Peer peer, Nodes nodes);
    }

    private static Workload simple(String name, OpMaker maker) {
        return new Workload() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Op newOp(Peer peer, Nodes nodes, int thread, int threads) {
                return maker.make(peer, nodes);
            }
        };
    }

    private static void readT(Connection c, Nodes nodes, Tally tally, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(READ)) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new WrongResult("no row for id " + id);
                }
                String v = rs.getString(1);
                int port = rs.getInt(2);
                if (!expected(v, id) || rs.next()) {
                    throw new WrongResult("wrong row for id " + id + ": " + v);
                }
                tally.read(nodes.indexOfPort(port));
            }
        }
    }

    /** The values of rows {@code first .. first + count - 1} of {@code w}, read on the primary. */
    private static long[] currentValues(Nodes nodes, int first, int count) {
        long[] out = new long[count];
        try (Connection c = nodes.primary().connect();
             PreparedStatement ps = c.prepareStatement("select id, n from w where id >= ? and id < ?")) {
            ps.setInt(1, first);
            ps.setInt(2, first + count);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out[rs.getInt(1) - first] = rs.getLong(2);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the users' rows on the primary: " + e.getMessage(), e);
        }
        return out;
    }

    private static long write(Peer peer, int id) throws SQLException {
        long value = WRITTEN.incrementAndGet();
        try (Connection c = peer.writer(); PreparedStatement ps = c.prepareStatement(WRITE_OWN)) {
            ps.setLong(1, value);
            ps.setInt(2, id);
            int n = ps.executeUpdate();
            if (n != 1) {
                throw new WrongResult("update of row " + id + " changed " + n + " rows");
            }
        }
        return value;
    }

    /** Reads the user's row right after its write of {@code written}: fresh, stale (older) or wrong. */
    private static void readOwn(Peer peer, Nodes nodes, Tally tally, int id, long written) throws SQLException {
        long[] got = selectOwn(peer, id);
        int node = nodes.indexOfPort((int) got[1]);
        if (got[0] > written) {
            throw new WrongResult("row " + id + " holds " + got[0] + ", newer than the user's last write " + written);
        }
        tally.read(node);
        tally.afterWrite(got[0] == written, node);
    }

    /** Reads the user's row at any time: it may lag, but it can never hold a value the user has not written yet. */
    private static void readOwnAny(Peer peer, Nodes nodes, Tally tally, int id, long written) throws SQLException {
        long[] got = selectOwn(peer, id);
        if (got[0] > written) {
            throw new WrongResult("row " + id + " holds " + got[0] + ", newer than the user's last write " + written);
        }
        tally.read(nodes.indexOfPort((int) got[1]));
    }

    private static long[] selectOwn(Peer peer, int id) throws SQLException {
        try (Connection c = peer.reader(); PreparedStatement ps = c.prepareStatement(READ_OWN)) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new WrongResult("no row " + id + " in w");
                }
                long[] out = {rs.getLong(1), rs.getInt(2)};
                if (rs.next()) {
                    throw new WrongResult("two rows " + id + " in w");
                }
                return out;
            }
        }
    }

    /** Whether {@code v} is {@code "v" + id}, without building that string. */
    public static boolean expected(String v, int id) {
        if (v == null || v.length() < 2 || v.charAt(0) != 'v') {
            return false;
        }
        int n = 0;
        for (int i = 1; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch < '0' || ch > '9' || (i == 1 && ch == '0')) {
                return false;
            }
            n = n * 10 + (ch - '0');
            if (n > ROWS) {
                return false;
            }
        }
        return n == id;
    }
}
