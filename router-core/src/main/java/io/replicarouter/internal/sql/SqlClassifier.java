package io.replicarouter.internal.sql;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides from the SQL text alone whether an autocommit statement may run on a PostgreSQL
 * hot-standby replica.
 *
 * <p>The rule is a whitelist: only {@code SELECT}, {@code WITH ... SELECT}, {@code VALUES},
 * {@code TABLE}, {@code SHOW}, {@code COPY ... TO STDOUT} and {@code EXPLAIN} of those are
 * {@link StatementType#READ}, and only when they contain no locking clause ({@code FOR UPDATE} and
 * friends), no {@code INTO}, no data-modifying statement (in a CTE, or after the WITH list) and no
 * call of a function that writes, locks, acts on the server or fails on a server in recovery
 * (built-in lists plus the configured extra functions). A keyword in a position that only a name
 * can take (after {@code .} or {@code AS}, a CTE's name, a select-list item, an operand) is a name:
 * {@code select t.update from t} and {@code with update as (select 1) select * from update} are
 * reads. Anything unknown, unparseable or made of several statements goes to the primary.
 *
 * <p>Empty statements are not statements: text between two {@code ;} (or before the first, or
 * after the last) that holds nothing but whitespace and comments is dropped before counting, so
 * {@code ;;select 1}, {@code select 1;}, {@code select 1;;} and {@code ; select 1 ; -- done} are one
 * read, while {@code select 1; select 2} (two real statements) still goes to the primary. This
 * follows the server and the driver: PostgreSQL's parser makes no statement of an empty one (a
 * query string of nothing but whitespace, comments and {@code ;} gets EmptyQueryResponse and runs
 * nothing), and pgjdbc's {@code Parser.parseJdbcSql} does not count a fragment of only {@code ;}
 * and whitespace as a statement (one of only comments it passes on, and the server ignores it).
 * Text without any statement ({@code ""}, {@code ";"}, a lone comment) stays a WRITE
 * ({@code "empty statement"}): there is nothing to read.
 *
 * <p>A COPY command is flagged ({@link Classification#isCopy()}), whatever its type: pgjdbc
 * refuses {@code COPY ... TO STDOUT} and {@code COPY ... FROM STDIN} through
 * {@code Statement.execute} and runs them only through its {@code CopyManager}.
 *
 * <p>Instances are immutable apart from a bounded cache of decisions per SQL string, and are
 * thread-safe. {@link #classify(String)} never throws for a non-null string.
 */
public final class SqlClassifier {

    /** Longer SQL strings are classified but not cached, so the cache's memory stays bounded. */
    static final int MAX_CACHED_SQL_LENGTH = 16_384;

    private final StatementRules rules;
    private final int maxCachedStatements;
    private final ConcurrentHashMap<String, Classification> cache;
    private final Object cacheWriteLock = new Object();

    /**
     * Creates a classifier.
     *
     * @param extraWriteFunctions the application's own functions that write or lock, lower-case,
     *     unqualified ({@code "audit_log"}) or schema-qualified ({@code "app.touch"}); a qualified
     *     name also matches an unqualified call of the same name, which may resolve to it through
     *     {@code search_path}
     * @param maxCachedStatements upper bound of the per-SQL-string decision cache; 0 disables it
     * @throws IllegalArgumentException when the set or one of its names is null or malformed, or the
     *     cache size is negative
     */
    public SqlClassifier(Set<String> extraWriteFunctions, int maxCachedStatements) {
        if (extraWriteFunctions == null) {
            throw new IllegalArgumentException("extraWriteFunctions must not be null");
        }
        for (String name : extraWriteFunctions) {
            String problem = FunctionRules.invalidName(name);
            if (problem != null) {
                throw new IllegalArgumentException("extraWriteFunctions contains an invalid function name: " + problem);
            }
        }
        if (maxCachedStatements < 0) {
            throw new IllegalArgumentException(
                    "maxCachedStatements must be >= 0 but was " + maxCachedStatements);
        }
        this.rules = new StatementRules(new FunctionRules(extraWriteFunctions));
        this.maxCachedStatements = maxCachedStatements;
        this.cache = maxCachedStatements == 0 ? null : new ConcurrentHashMap<>();
    }

    /**
     * A classifier without extra write functions and with a cache of 10,000 statements.
     *
     * @return a new classifier
     */
    public static SqlClassifier defaults() {
        return new SqlClassifier(Set.of(), 10_000);
    }

    /**
     * Classifies one SQL string (which may hold a leading routing-hint comment).
     *
     * @param sql the statement text as given to JDBC
     * @return the decision; for a string seen before (and still cached) the very same instance
     * @throws IllegalArgumentException when {@code sql} is null
     */
    public Classification classify(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        ConcurrentHashMap<String, Classification> c = cache;
        if (c != null) {
            Classification hit = c.get(sql);
            if (hit != null) {
                return hit;
            }
        }
        Classification result = compute(sql);
        if (c == null || sql.length() > MAX_CACHED_SQL_LENGTH) {
            return result;
        }
        synchronized (cacheWriteLock) {
            if (c.size() >= maxCachedStatements) {
                c.clear();
            }
            Classification previous = c.putIfAbsent(sql, result);
            return previous != null ? previous : result;
        }
    }

    /** Number of cached decisions (for tests). */
    int cacheSize() {
        return cache == null ? 0 : cache.size();
    }

    private Classification compute(String sql) {
        try {
            SqlTokenizer.Result lexed = SqlTokenizer.tokenize(sql);
            Hint hint = HintParser.parse(lexed.tokens());
            StatementRules.Verdict verdict = decide(lexed);
            if (sql.indexOf('\\') >= 0) {
                // With standard_conforming_strings=off, '...\'...' would end elsewhere: both readings must agree.
                // A statement that does not even lex that way ("like ? escape '\'", as Hibernate writes) would be
                // a syntax error on every server with that setting, so only the standard reading can run.
                SqlTokenizer.Result legacyLexed = SqlTokenizer.tokenize(sql, true);
                StatementRules.Verdict legacy = legacyLexed.ok() ? decide(legacyLexed) : verdict;
                if (legacy.type() != verdict.type()) {
                    StatementType type = legacy.type() == StatementType.SESSION_STATE
                            || verdict.type() == StatementType.SESSION_STATE
                            ? StatementType.SESSION_STATE : StatementType.WRITE;
                    verdict = new StatementRules.Verdict(type, "ambiguous backslash in string literal",
                            verdict.copy() || legacy.copy());
                }
            }
            return new Classification(verdict.type(), hint, verdict.detail(), verdict.copy());
        } catch (RuntimeException e) {
            return new Classification(StatementType.WRITE, Hint.NONE,
                    "classifier error " + e.getClass().getSimpleName());
        }
    }

    private StatementRules.Verdict decide(SqlTokenizer.Result lexed) {
        if (!lexed.ok()) {
            return new StatementRules.Verdict(StatementType.WRITE, "unparseable: " + lexed.error());
        }
        List<List<Token>> statements = StatementRules.split(lexed.tokens());
        if (statements == null) {
            return new StatementRules.Verdict(StatementType.WRITE, "unparseable: unbalanced parentheses");
        }
        if (statements.isEmpty()) {
            return new StatementRules.Verdict(StatementType.WRITE, "empty statement");
        }
        if (statements.size() == 1) {
            StatementRules.Verdict only = rules.classify(statements.get(0));
            return StatementRules.isCopy(statements.get(0))
                    ? new StatementRules.Verdict(only.type(), only.detail(), true) : only;
        }
        // Several statements run on one session: pin when one of them leaves session or transaction state.
        boolean pins = false;
        boolean copy = false;
        for (List<Token> statement : statements) {
            StatementType type = rules.classify(statement).type();
            pins |= type == StatementType.SESSION_STATE || type == StatementType.TRANSACTION_CONTROL;
            copy |= StatementRules.isCopy(statement);
        }
        return new StatementRules.Verdict(pins ? StatementType.SESSION_STATE : StatementType.WRITE,
                "multiple statements", copy);
    }
}
