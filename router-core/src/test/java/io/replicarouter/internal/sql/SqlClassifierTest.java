package io.replicarouter.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SqlClassifierTest {

    @Test
    void sameStringTwiceReturnsTheSameInstance() {
        SqlClassifier c = SqlClassifier.defaults();
        Classification first = c.classify("select * from t where id = ?");
        assertThat(c.classify(new String("select * from t where id = ?"))).isSameAs(first);
        assertThat(c.cacheSize()).isEqualTo(1);
    }

    @Test
    void withoutCacheEqualButNotSameInstances() {
        SqlClassifier c = new SqlClassifier(Set.of(), 0);
        Classification first = c.classify("select 1");
        Classification second = c.classify("select 1");
        assertThat(second).isEqualTo(first).isNotSameAs(first);
        assertThat(c.cacheSize()).isZero();
    }

    @Test
    void cacheNeverExceedsItsBound() {
        SqlClassifier c = new SqlClassifier(Set.of(), 7);
        for (int i = 0; i < 100; i++) {
            c.classify("select " + i);
            assertThat(c.cacheSize()).isLessThanOrEqualTo(7);
        }
        assertThat(c.cacheSize()).isPositive();
        Classification recent = c.classify("select 99");
        assertThat(c.classify("select 99")).isSameAs(recent);
    }

    @Test
    void cacheBoundHoldsUnderConcurrency() throws Exception {
        SqlClassifier c = new SqlClassifier(Set.of(), 50);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        Classification r = c.classify("select " + (i * 4 + offset) % 300);
                        assertThat(r.type()).isEqualTo(StatementType.READ);
                        assertThat(c.cacheSize()).isLessThanOrEqualTo(50);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void veryLongStatementsAreClassifiedButNotCached() {
        SqlClassifier c = SqlClassifier.defaults();
        String sql = "select '" + "x".repeat(SqlClassifier.MAX_CACHED_SQL_LENGTH) + "'";
        assertThat(c.classify(sql).type()).isEqualTo(StatementType.READ);
        assertThat(c.cacheSize()).isZero();
    }

    @Test
    void extraUnqualifiedWriteFunction() {
        assertThat(SqlClassifier.defaults().classify("select audit_log(1)").type()).isEqualTo(StatementType.READ);
        SqlClassifier c = new SqlClassifier(Set.of("audit_log"), 100);
        Classification r = c.classify("select audit_log(1)");
        assertThat(r.type()).isEqualTo(StatementType.WRITE);
        assertThat(r.detail()).isEqualTo("audit_log()");
        assertThat(c.classify("select app.audit_log(1)").type()).isEqualTo(StatementType.WRITE);
        assertThat(c.classify("select AUDIT_LOG (1)").type()).isEqualTo(StatementType.WRITE);
        assertThat(c.classify("select audit_log from t").type()).isEqualTo(StatementType.READ);
        assertThat(c.classify("select audit_log_2(1)").type()).isEqualTo(StatementType.READ);
    }

    @Test
    void extraQualifiedWriteFunction() {
        assertThat(SqlClassifier.defaults().classify("select app.touch()").type()).isEqualTo(StatementType.READ);
        SqlClassifier c = new SqlClassifier(Set.of("app.touch", " Other.Fn "), 100);
        assertThat(c.classify("select app.touch()").type()).isEqualTo(StatementType.WRITE);
        assertThat(c.classify("select \"app\".\"touch\"()").type()).isEqualTo(StatementType.WRITE);
        assertThat(c.classify("select other.fn(1)").type()).isEqualTo(StatementType.WRITE);
        // unqualified: may resolve to app.touch through search_path
        assertThat(c.classify("select touch()").type()).isEqualTo(StatementType.WRITE);
        // explicitly another schema
        assertThat(c.classify("select public.touch()").type()).isEqualTo(StatementType.READ);
    }

    @Test
    void negativeCacheSizeIsRejectedNamingArgumentAndValue() {
        assertThatThrownBy(() -> new SqlClassifier(Set.of(), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxCachedStatements")
                .hasMessageContaining("-1");
    }

    @Test
    void invalidFunctionNamesAreRejected() {
        assertThatThrownBy(() -> new SqlClassifier(null, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extraWriteFunctions");
        Set<String> withNull = new HashSet<>();
        withNull.add(null);
        assertThatThrownBy(() -> new SqlClassifier(withNull, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("extraWriteFunctions");
        for (String bad : List.of("", "  ", "a.b.c", ".x", "x.", "a b")) {
            assertThatThrownBy(() -> new SqlClassifier(Set.of(bad), 10))
                    .as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("extraWriteFunctions")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void nullSqlIsAnIllegalArgument() {
        assertThatThrownBy(() -> SqlClassifier.defaults().classify(null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void details() {
        SqlClassifier c = SqlClassifier.defaults();
        assertThat(c.classify("select 1").detail()).isEqualTo("select");
        assertThat(c.classify("select nextval('s')").detail()).isEqualTo("nextval()");
        assertThat(c.classify("select * from t for update").detail()).isEqualTo("FOR UPDATE");
        assertThat(c.classify("select 1; delete from t").detail()).isEqualTo("multiple statements");
        assertThat(c.classify("CALL p()").detail()).isEqualTo("unknown statement CALL");
        assertThat(c.classify("insert into t values (1)").detail()).isEqualTo("insert");
        assertThat(c.classify("").detail()).isEqualTo("empty statement");
        assertThat(c.classify("select 'x").detail()).startsWith("unparseable");
    }

    @Test
    void functionsThatFailDuringRecoverySayWhy() {
        SqlClassifier c = SqlClassifier.defaults();
        Classification r = c.classify("select pg_current_wal_lsn()");
        assertThat(r.type()).isEqualTo(StatementType.WRITE);
        assertThat(r.detail()).isEqualTo("pg_current_wal_lsn() fails during recovery");
        assertThat(c.classify("SELECT * FROM PG_CATALOG.PG_WALFILE_NAME_OFFSET('0/1')").detail())
                .isEqualTo("pg_walfile_name_offset() fails during recovery");
        assertThat(c.classify("explain select pg_switch_wal()").detail())
                .isEqualTo("explain pg_switch_wal() fails during recovery");
        // a session-state call still wins: the statement pins
        assertThat(c.classify("select pg_switch_wal(), pg_advisory_lock(1)").type())
                .isEqualTo(StatementType.SESSION_STATE);
        for (String name : FunctionRules.FAILING_DURING_RECOVERY) {
            assertThat(c.classify("select " + name + "()").detail()).isEqualTo(name + "() fails during recovery");
        }
    }

    @Test
    void transactionIdsAreWritesOnlyWhenTheyAssignOne() {
        SqlClassifier c = SqlClassifier.defaults();
        assertThat(c.classify("select txid_current()").detail()).isEqualTo("txid_current()");
        assertThat(c.classify("select pg_current_xact_id()").detail()).isEqualTo("pg_current_xact_id()");
        assertThat(c.classify("select txid_current_if_assigned()").isRead()).isTrue();
        assertThat(c.classify("select pg_current_xact_id_if_assigned()").isRead()).isTrue();
        assertThat(c.classify("select pg_current_snapshot(), txid_current_snapshot()").isRead()).isTrue();
    }

    @Test
    void keywordsAsNamesKeepTheRealClausesTheirDetails() {
        SqlClassifier c = SqlClassifier.defaults();
        assertThat(c.classify("select t.update from t").detail()).isEqualTo("select");
        assertThat(c.classify("with update as (select 1) select * from update").detail()).isEqualTo("with");
        assertThat(c.classify("with d as (delete from t returning *) select * from d").detail())
                .isEqualTo("delete inside query");
        assertThat(c.classify("select * from t as update for update").detail()).isEqualTo("FOR UPDATE");
        assertThat(c.classify("select x.for from x for share").detail()).isEqualTo("FOR SHARE");
        assertThat(c.classify("select t.into into u from t").detail()).isEqualTo("SELECT INTO");
        assertThat(c.classify("select 1 as into").detail()).isEqualTo("select");
    }

    @Test
    void copyIsFlaggedWhateverItsType() {
        SqlClassifier c = SqlClassifier.defaults();
        Classification out = c.classify("COPY (select 1) TO STDOUT (FORMAT csv)");
        assertThat(out.isRead()).isTrue();
        assertThat(out.isCopy()).isTrue();
        assertThat(out.copy()).isTrue();
        Classification in = c.classify("copy t from stdin");
        assertThat(in.type()).isEqualTo(StatementType.WRITE);
        assertThat(in.isCopy()).isTrue();
        assertThat(c.classify("copy t to '/tmp/x'").isCopy()).isTrue();
        assertThat(c.classify("/* route:primary */ ; copy t to stdout ;").isCopy()).isTrue();
        assertThat(c.classify("select 1; copy t from stdin").isCopy()).isTrue();
        assertThat(c.classify("select 1; copy t from stdin").detail()).isEqualTo("multiple statements");
        assertThat(c.classify("select 'copy t to stdout'").isCopy()).isFalse();
        assertThat(c.classify("select copy from t").isCopy()).isFalse();
        assertThat(c.classify("-- copy t to stdout\nselect 1").isCopy()).isFalse();
        assertThat(c.classify("select 1").isCopy()).isFalse();
        assertThat(c.classify("").isCopy()).isFalse();
        // the old constructor still works and means "not a COPY"
        Classification plain = new Classification(StatementType.READ, Hint.NONE, "select");
        assertThat(plain.isCopy()).isFalse();
        assertThat(plain).isEqualTo(new Classification(StatementType.READ, Hint.NONE, "select", false));
    }

    @Test
    void emptyStatementsAroundOneStatementAreIgnored() {
        SqlClassifier c = SqlClassifier.defaults();
        for (String sql : List.of(";;select 1", "select 1;;", "select 1;", "; select 1 ;",
                "select 1; -- done", "; /* x */ ; select 1 ; ;")) {
            Classification r = c.classify(sql);
            assertThat(r.type()).as(sql).isEqualTo(StatementType.READ);
            assertThat(r.detail()).as(sql).isEqualTo("select");
        }
        assertThat(c.classify(";;select 1;;select 2").detail()).isEqualTo("multiple statements");
        assertThat(c.classify(";; -- nothing\n;").detail()).isEqualTo("empty statement");
    }

    @Test
    void deeplyNestedExplainDoesNotOverflow() {
        String sql = "explain ".repeat(50_000) + "select 1";
        assertThat(SqlClassifier.defaults().classify(sql).type()).isEqualTo(StatementType.WRITE);
        String parens = "(".repeat(100_000) + "select 1" + ")".repeat(100_000);
        assertThat(SqlClassifier.defaults().classify(parens).type()).isEqualTo(StatementType.READ);
    }
}
