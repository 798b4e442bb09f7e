package io.replicarouter.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Decorated write statements are never READ, decorated read statements always are, and no input
 * makes the classifier throw.
 *
 * <p>Templates are token lists separated by single spaces ({@code ·} stands for a space inside a
 * token); between tokens the generator puts random whitespace and comments, it randomises the case
 * of plain words, and adds leading/trailing semicolons, parentheses (where the grammar allows them)
 * and sometimes a routing hint.
 */
class ClassifierProperties {

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
      "select 1 -- x\n ; delete from t");

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
      "N copy ( select 1 ) to stdout with csv");

  private static final List<String> SEPARATORS = List.of(
      " ", "\t", "\n", "\r\n", "   ", "/**/", "/* c */", "/* ; delete from t */",
      "/* a /* nested ; update t */ b */", "-- line ; update t\n", "--\n", "/* ' \" $$ */");

  private final SqlClassifier cached = SqlClassifier.defaults();
  private final SqlClassifier uncached = new SqlClassifier(Set.of(), 0);

  @Property
  void decoratedWritesAreNeverRead(@ForAll("writes") String sql) {
    assertThat(uncached.classify(sql).type()).as(sql).isNotEqualTo(StatementType.READ);
    assertThat(cached.classify(sql).type()).as(sql).isNotEqualTo(StatementType.READ);
  }

  @Property
  void decoratedReadsAreRead(@ForAll("reads") String sql) {
    Classification c = uncached.classify(sql);
    assertThat(c.type()).as("%s -> %s", sql, c.detail()).isEqualTo(StatementType.READ);
    assertThat(cached.classify(sql)).isEqualTo(c);
  }

  @Property
  void aReadFollowedByAWriteIsNeverRead(@ForAll("reads") String read, @ForAll("writes") String write) {
    assertThat(uncached.classify(read + ";" + write).isRead()).as(read + ";" + write).isFalse();
  }

  @Property
  void anyStringNeverThrows(@ForAll String s) {
    Classification c = uncached.classify(s);
    assertThat(c.detail()).isNotNull();
    assertThat(cached.classify(s)).isEqualTo(c);
  }

  @Property(tries = 3000)
  void sqlLikeNoiseNeverThrowsAndCachingChangesNothing(@ForAll("noise") String s) {
    Classification c = uncached.classify(s);
    assertThat(c.hint()).isNotNull();
    assertThat(cached.classify(s)).isEqualTo(c);
  }

  @Provide
  Arbitrary<String> writes() {
    return Combinators.combine(Arbitraries.of(WRITES), Arbitraries.randoms())
        .as((template, random) -> decorate(template, false, random));
  }

  @Provide
  Arbitrary<String> reads() {
    return Combinators.combine(Arbitraries.of(READS), Arbitraries.randoms())
        .as((template, random) -> decorate(template.substring(2), template.startsWith("P"), random));
  }

  @Provide
  Arbitrary<String> noise() {
    Arbitrary<String> fragment = Arbitraries.oneOf(
        Arbitraries.of("select", "SELECT", "with", "explain", "analyze", "copy", "to", "stdout",
            "for", "update", "nextval", "(", ")", ";", "'", "''", "\"", "$$", "$a$", "$1", "?",
            "E'", "U&'", "U&\"", "UESCAPE", "\\", "/*", "*/", "--", "\n", " ", "::", ".", ",",
            "into", "temp", "set", "local", "/* route:primary max-staleness=", "5ms */"),
        Arbitraries.strings().withChars("ab'\"$;()/*-\\\n eEuU&?:.").ofMaxLength(6));
    return fragment.list().ofMaxSize(25).map(parts -> String.join("", parts));
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
