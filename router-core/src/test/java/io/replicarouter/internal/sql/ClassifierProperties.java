package io.replicarouter.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Decorated write statements are never READ, decorated read statements always are, and no input
 * makes the classifier throw.
 *
 * <p>Templates are token lists separated by single spaces ({@code ·} stands for a space inside a
 * token); between tokens the generator puts random whitespace and comments, it randomises the case
 * of plain words, and adds leading/trailing semicolons, parentheses (where the grammar allows them)
 * and sometimes a routing hint.
 *
 * <p>Each property runs a fixed number of tries; try {@code n} of a property draws its input from a
 * {@link Random} seeded from the run's seed, the property's name and {@code n}, so a run is
 * repeatable. The seed is {@link #DEFAULT_SEED} unless {@code -Dclassifier.seed=...} (decimal, or
 * hex with {@code 0x}) gives another; a failure names the property, the try, the seed to rerun with
 * and the input (Java-escaped).
 */
class ClassifierProperties {

    /** The seed of a run without {@code -Dclassifier.seed}. */
    static final long DEFAULT_SEED = 0x5EED_C1A5_51F1L;
    /** Tries per property (jqwik's default, which these properties used); the noise one runs 3x. */
    static final int TRIES = 1000;

    private static final long SEED = seed(System.getProperty("classifier.seed"));

    private static final List<String> WRITES = List.of(
            "insert into t ( a ) values ( 1 )",
            "insert into t select * from u",
            "update t set a = 1 where id = ?",
            "delete from t where id = $1",
            "merge into t using u on t.id = u.id when matched then delete",
            "call p ( 1 )",
            "do $$begin·perform·1;·end$$",
            "lock table t in exclusive mode",
            "truncate t",
            "create table x ( a int )",
            "create index on t ( a )",
            "drop table t",
            "alter table t add column b int",
            "vacuum t",
            "grant select on t to bob",
            "refresh materialized view mv",
            "notify ch",
            "select nextval ( 's' )",
            "select pg_catalog . setval ( 's' , 1 )",
            "select \"nextval\" ( 's' )",
            "select id , currval ( 's' ) from t",
            "select * from t for update",
            "select * from t for no key update skip locked",
            "select * from t for share of t",
            "select * from t for key share nowait",
            "select * from ( select * from t for update ) x",
            "with x as ( update t set a = 1 returning * ) select * from x",
            "with x as ( delete from t returning * ) select * from x",
            "with x as ( select 1 ) insert into t select * from x",
            "select a into new_table from t",
            "select pg_advisory_xact_lock ( 1 )",
            "select pg_advisory_lock ( 1 )",
            "select lo_import ( '/tmp/x' )",
            "select txid_current ( )",
            "select pg_notify ( 'c' , 'p' )",
            "explain analyze delete from t",
            "explain ( analyze , buffers ) update t set a = 1",
            "explain delete from t",
            "copy t from stdin",
            "copy t to '/tmp/x'",
            "set search_path = x",
            "set local a = 1",
            "create temp table x ( a int )",
            "begin",
            "select 1 ; delete from t",
            "select '/*' ; delete from t ; select '*/'",
            "select 1 -- x\n ; delete from t",
            "select pg_current_wal_lsn ( )",
            "select * from pg_catalog . pg_walfile_name_offset ( pg_current_wal_lsn ( ) )",
            "select brin_summarize_new_values ( 'i' )",
            "with x as ( select pg_switch_wal ( ) ) select * from x",
            "select pg_current_xact_id ( )",
            "with update as ( delete from t returning * ) select * from update",
            "with delete as ( update only s . t as u set a = 1 returning * ) select * from delete",
            "with x as ( select 1 ) update t set a = 1",
            "select t . update from t for update",
            "select * from t as update for no key update of update skip locked",
            "select 1 as for from t for share",
            "select t . into into u from t",
            "copy ( delete from t returning * ) to stdout",
            "copy t from stdin ( format csv )",
            "select 1 ; ; select 2");

    /** Read templates; a leading {@code P} marks forms that may be wrapped in parentheses. */
    private static final List<String> READS = List.of(
            "P select 1",
            "P select * from t where a = ?",
            "P select a , b from t join u on t.id = u.id order by 1 limit 10",
            "P with x as ( select 1 ) select * from x",
            "P values ( 1 ) , ( 2 )",
            "P table t",
            "P select '/*·update·*/'",
            "P select $$delete·from·t;$$",
            "P select $tag$·update·$$;$$·$tag$",
            "P select \"update\" , \"for\" from t",
            "P select E'it\\'s;·delete'",
            "P select * from nextval_log",
            "P select my_nextval ( )",
            "P select count ( * ) from t group by a having count ( * ) > 1",
            "P select substring ( a from 1 for 2 ) from t",
            "P select a :: text , $1 from t",
            "P ( select 1 ) union ( select 2 )",
            "N show search_path",
            "N explain select 1",
            "N explain analyze select * from t",
            "N explain ( analyze , buffers ) select 1",
            "N copy t to stdout",
            "N copy ( select 1 ) to stdout with csv",
            "P select \"update\" from t",
            "P select t . update , t . delete , x . for , x . into from t",
            "P select 1 as update , 2 as delete , 3 as for , 4 as into",
            "P select count ( * ) as delete from t",
            "P with update as ( select 1 ) select * from update",
            "P with insert ( delete ) as ( select 1 ) select delete from insert",
            "P select a from t as for_x",
            "P select update , delete from t where update = 1 order by delete",
            "P select * from t as update join u as delete on update . a = delete . a",
            "P select txid_current_if_assigned ( ) , pg_current_xact_id_if_assigned ( )",
            "P select pg_current_snapshot ( ) , pg_last_wal_replay_lsn ( )",
            "P select pg_current_wal_lsn from t",
            "N copy ( select t . update from t ) to stdout ( format csv )",
            "N copy s . t ( a , b ) to stdout");

    private static final List<String> SEPARATORS = List.of(
            " ", "\t", "\n", "\r\n", "   ", "/**/", "/* c */", "/* ; delete from t */",
            "/* a /* nested ; update t */ b */", "-- line ; update t\n", "--\n", "/* ' \" $$ */");

    private final SqlClassifier cached = SqlClassifier.defaults();
    private final SqlClassifier uncached = new SqlClassifier(Set.of(), 0);

    @Test
    void decoratedWritesAreNeverRead() {
        forAll("decoratedWritesAreNeverRead", TRIES, ClassifierProperties::write, sql -> {
            assertThat(uncached.classify(sql).type()).as(sql).isNotEqualTo(StatementType.READ);
            assertThat(cached.classify(sql).type()).as(sql).isNotEqualTo(StatementType.READ);
        });
    }

    @Test
    void decoratedReadsAreRead() {
        forAll("decoratedReadsAreRead", TRIES, ClassifierProperties::read, sql -> {
            Classification c = uncached.classify(sql);
            assertThat(c.type()).as("%s -> %s", sql, c.detail()).isEqualTo(StatementType.READ);
            assertThat(cached.classify(sql)).isEqualTo(c);
        });
    }

    @Test
    void aReadFollowedByAWriteIsNeverRead() {
        forAll("aReadFollowedByAWriteIsNeverRead", TRIES, r -> read(r) + ";" + write(r),
                sql -> assertThat(uncached.classify(sql).isRead()).as(sql).isFalse());
    }

    @Test
    void anyStringNeverThrows() {
        forAll("anyStringNeverThrows", TRIES, ClassifierProperties::anyString, s -> {
            Classification c = uncached.classify(s);
            assertThat(c.detail()).isNotNull();
            assertThat(cached.classify(s)).isEqualTo(c);
        });
    }

    @Test
    void sqlLikeNoiseNeverThrowsAndCachingChangesNothing() {
        forAll("sqlLikeNoiseNeverThrowsAndCachingChangesNothing", 3 * TRIES, ClassifierProperties::noise, s -> {
            Classification c = uncached.classify(s);
            assertThat(c.hint()).isNotNull();
            assertThat(cached.classify(s)).isEqualTo(c);
        });
    }

    @Test
    void aFailureNamesTheSeedAndTheInput() {
        assertThatThrownBy(() -> forAll("demo", 5, r -> "select\t'\u00e9'", s -> assertThat(s).isEmpty()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("property demo failed on try 1 of 5")
                .hasMessageContaining("-Dclassifier.seed=" + SEED)
                .hasMessageContaining("\"select\\t'\\u00e9'\"");
    }

    @Test
    void triesAreRepeatable() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        forAll("repeat", 20, ClassifierProperties::noise, first::add);
        forAll("repeat", 20, ClassifierProperties::noise, second::add);
        assertThat(first).isEqualTo(second).doesNotHaveDuplicates();
    }

    /**
     * Checks {@code tries} inputs; try {@code n} draws its input from a {@link Random} seeded from
     * {@link #SEED}, {@code property} and {@code n}.
     *
     * @throws AssertionError naming the property, the try, the seed and the input when a check fails
     */
    static <T> void forAll(String property, int tries, Function<Random, T> generator, Consumer<T> check) {
        for (int n = 0; n < tries; n++) {
            T input = generator.apply(new Random(trySeed(SEED, property, n)));
            try {
                check.accept(input);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(String.format(
                        "property %s failed on try %d of %d%n  rerun with: -Dtest='ClassifierProperties#%s'"
                                + " -Dclassifier.seed=%d%n  input: %s%n  %s",
                        property, n + 1, tries, property, SEED, show(input), e.getMessage()), e);
            }
        }
    }

    /** The run's seed from the value of {@code -Dclassifier.seed} (decimal or 0x hex), or the default. */
    static long seed(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_SEED;
        }
        return Long.decode(value.strip());
    }

    /** A well-mixed seed for one try (SplitMix64's finaliser over seed, name and index). */
    static long trySeed(long seed, String property, int n) {
        long z = seed + 0x9E3779B97F4A7C15L * (property.hashCode() * 0x100000001L + n + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A decorated write template. */
    static String write(Random random) {
        return decorate(WRITES.get(random.nextInt(WRITES.size())), false, random);
    }

    /** A decorated read template (in parentheses where the template allows). */
    static String read(Random random) {
        String template = READS.get(random.nextInt(READS.size()));
        return decorate(template.substring(2), template.startsWith("P"), random);
    }

    private static final List<String> NOISE_FRAGMENTS = List.of(
            "select", "SELECT", "with", "explain", "analyze", "copy", "to", "stdout",
            "for", "update", "nextval", "(", ")", ";", "'", "''", "\"", "$$", "$a$", "$1", "?",
            "E'", "U&'", "U&\"", "UESCAPE", "\\", "/*", "*/", "--", "\n", " ", "::", ".", ",",
            "into", "temp", "set", "local", "/* route:primary max-staleness=", "5ms */",
            "delete", "insert", "as", "from", "pg_current_wal_lsn", "stdin");
    private static final String SPECIAL_CHARS = " \t\n\r\f\u000B\0;'\"$`\\";
    private static final String NOISE_CHARS = "ab'\"$;()/*-\\\n eEuU&?:.";

    /** Up to 25 fragments, each a SQL-ish word or symbol, or up to 6 characters of quotes and punctuation. */
    static String noise(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(26); i > 0; i--) {
            if (random.nextBoolean()) {
                sb.append(NOISE_FRAGMENTS.get(random.nextInt(NOISE_FRAGMENTS.size())));
            } else {
                for (int k = random.nextInt(7); k > 0; k--) {
                    sb.append(NOISE_CHARS.charAt(random.nextInt(NOISE_CHARS.length())));
                }
            }
        }
        return sb.toString();
    }

    /**
     * Any string up to 255 chars: mostly short, of printable ASCII, whitespace and control
     * characters, Latin-1, any BMP char (lone surrogates included) and supplementary code points.
     */
    static String anyString(Random random) {
        int length = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(3);
            case 1, 2 -> random.nextInt(32);
            default -> random.nextInt(256);
        };
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> sb.append((char) (0x20 + random.nextInt(0x5F)));
                case 4 -> sb.append(SPECIAL_CHARS.charAt(random.nextInt(SPECIAL_CHARS.length())));
                case 5 -> sb.append((char) random.nextInt(0x20));
                case 6 -> sb.append((char) (0xA0 + random.nextInt(0x60)));
                case 7, 8 -> sb.append((char) random.nextInt(0x10000));
                default -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
            }
        }
        return sb.toString();
    }

    /** A string input Java-escaped and quoted, so it can be pasted into a test. */
    static String show(Object input) {
        if (!(input instanceof String s)) {
            return String.valueOf(input);
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Builds one decorated statement from a template. */
    static String decorate(String template, boolean parensAllowed, Random random) {
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(4) == 0) {
            sb.append("/* route:replica max-staleness=").append(random.nextInt(1000)).append("ms */");
        }
        sb.append(separators(random, 0));
        for (int i = random.nextInt(3); i > 0; i--) {
            sb.append(';').append(separators(random, 0));
        }
        int parens = parensAllowed ? random.nextInt(4) : 0;
        sb.append("(".repeat(parens));
        String[] pieces = template.split(" ");
        for (int i = 0; i < pieces.length; i++) {
            sb.append(separators(random, i == 0 ? 0 : 1));
            sb.append(randomCase(pieces[i].replace('·', ' '), random));
        }
        for (int i = 0; i < parens; i++) {
            sb.append(separators(random, 0)).append(')');
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            sb.append(separators(random, 0)).append(';');
        }
        sb.append(separators(random, 0));
        return sb.toString();
    }

    private static String separators(Random random, int min) {
        StringBuilder sb = new StringBuilder();
        int count = min + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            sb.append(SEPARATORS.get(random.nextInt(SEPARATORS.size())));
        }
        return sb.toString();
    }

    /** Plain words get random letter case; literals, quoted names and punctuation stay as they are. */
    private static String randomCase(String piece, Random random) {
        if (!piece.matches("[a-z_]+")) {
            return piece;
        }
        StringBuilder sb = new StringBuilder(piece.length());
        for (char c : piece.toCharArray()) {
            sb.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }
}
