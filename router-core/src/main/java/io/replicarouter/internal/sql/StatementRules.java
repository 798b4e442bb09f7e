package io.replicarouter.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Classifies one statement (a comment-free token list without the {@code ;}) by a whitelist of
 * read forms; everything not recognised as a read is sent to the primary.
 */
final class StatementRules {

    /**
     * Type and reason, without the hint.
     *
     * @param copy whether the statement (or one of several) is a COPY command
     */
    record Verdict(StatementType type, String detail, boolean copy) {
        Verdict(StatementType type, String detail) {
            this(type, detail, false);
        }
    }

    private static final int MAX_DEPTH = 4;
    private static final Set<String> QUERY_STARTS = Set.of("select", "with", "values", "table");
    private static final Set<String> SESSION_COMMANDS =
            Set.of("reset", "discard", "listen", "unlisten", "load");
    private static final Set<String> TRANSACTION_COMMANDS =
            Set.of("begin", "commit", "end", "rollback", "abort", "savepoint", "release");
    private static final Set<String> KNOWN_WRITES = Set.of(
            "insert", "update", "delete", "merge", "truncate", "create", "alter", "drop", "grant",
            "revoke", "vacuum", "analyze", "analyse", "cluster", "reindex", "checkpoint", "refresh",
            "notify", "lock", "comment", "declare");
    private static final Set<String> FALSE_VALUES = Set.of("false", "off", "0");
    /** Words after which the next word starts a select-list item (so a keyword there is a column). */
    private static final Set<String> SELECT_LIST_STARTS = Set.of("select", "distinct", "all");

    private final FunctionRules functions;

    StatementRules(FunctionRules functions) {
        this.functions = functions;
    }

    /**
     * Splits tokens into statements at top-level {@code ;}, dropping comments and empty statements.
     * Returns null when the parentheses do not balance.
     */
    static List<List<Token>> split(List<Token> tokens) {
        List<List<Token>> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (Token t : tokens) {
            if (t.isComment()) {
                continue;
            }
            if (t.isPunct('(')) {
                depth++;
            } else if (t.isPunct(')') && --depth < 0) {
                return null;
            } else if (t.isPunct(';') && depth == 0) {
                if (!current.isEmpty()) {
                    statements.add(current);
                    current = new ArrayList<>();
                }
                continue;
            }
            current.add(t);
        }
        if (depth != 0) {
            return null;
        }
        if (!current.isEmpty()) {
            statements.add(current);
        }
        return statements;
    }

    Verdict classify(List<Token> t) {
        return classify(t, 0);
    }

    /** Whether the statement is a COPY command (which pgjdbc only runs through its CopyManager). */
    static boolean isCopy(List<Token> statement) {
        return !statement.isEmpty() && statement.get(0).isWord("copy");
    }

    private Verdict classify(List<Token> t, int depth) {
        if (depth > MAX_DEPTH) {
            return write("statement nested too deeply");
        }
        int i = 0;
        while (i < t.size() && t.get(i).isPunct('(')) {
            i++;
        }
        if (i == t.size()) {
            return write("empty statement");
        }
        Token first = t.get(i);
        String kw = first.kind() == TokenKind.WORD ? first.value() : "";
        if (QUERY_STARTS.contains(kw)) {
            return query(t, kw);
        }
        if (i > 0 || kw.isEmpty()) {
            return unknown(first);
        }
        Verdict v;
        if (kw.equals("show")) {
            return read("show");
        } else if (kw.equals("explain")) {
            v = explain(t, depth);
        } else if (kw.equals("copy")) {
            v = copy(t, depth);
        } else if (kw.equals("set")) {
            v = set(t);
        } else if (SESSION_COMMANDS.contains(kw)) {
            v = session(kw);
        } else if (kw.equals("prepare")) {
            v = word(t, 1, "transaction") ? transaction("prepare transaction") : session("prepare");
        } else if (TRANSACTION_COMMANDS.contains(kw)) {
            return transaction(kw);
        } else if (kw.equals("start")) {
            v = word(t, 1, "transaction") ? transaction("start transaction") : unknown(first);
        } else if (kw.equals("create")) {
            v = create(t);
        } else if (kw.equals("declare")) {
            v = withHold(t) ? session("DECLARE WITH HOLD") : write("declare");
        } else {
            v = KNOWN_WRITES.contains(kw) ? write(kw) : unknown(first);
        }
        return v.type() == StatementType.WRITE ? sessionCalls(t, v) : v;
    }

    /** SELECT / WITH / VALUES / TABLE: read unless something in it writes, locks or sets state. */
    private Verdict query(List<Token> t, String kw) {
        String write = null;
        String session = null;
        for (int i = 0; i < t.size(); i++) {
            Token tok = t.get(i);
            if (tok.kind() == TokenKind.WORD) {
                String found = switch (tok.value()) {
                    case "for" -> nameOnly(t, i) ? null : lockingClause(t, i);
                    case "insert", "update", "delete", "merge" ->
                            opensDataModifyingStatement(t, i) ? tok.value() + " inside query" : null;
                    case "into" -> nameOnly(t, i) || intoTemp(t, i + 1) ? null : "SELECT INTO";
                    default -> null;
                };
                if (found != null && write == null) {
                    write = found;
                }
                if (session == null && tok.value().equals("into") && !nameOnly(t, i) && intoTemp(t, i + 1)) {
                    session = "SELECT INTO TEMP";
                }
            }
            FunctionRules.Effect effect = callEffect(t, i);
            if (effect == FunctionRules.Effect.SESSION && session == null) {
                session = t.get(i).value().toLowerCase(Locale.ROOT) + "()";
            } else if (effect == FunctionRules.Effect.WRITE && write == null) {
                write = t.get(i).value().toLowerCase(Locale.ROOT) + "()";
            } else if (effect == FunctionRules.Effect.FAILS_DURING_RECOVERY && write == null) {
                write = t.get(i).value().toLowerCase(Locale.ROOT) + "() fails during recovery";
            }
        }
        if (session != null) {
            return session(session);
        }
        return write != null ? write(write) : read(kw);
    }

    /**
     * Whether the keyword at {@code i} stands where PostgreSQL only accepts a name, so that it is an
     * identifier and not a clause: right after {@code .} (a qualified name's part, {@code t.update},
     * {@code x.for}) or after {@code AS} (a column or table alias, {@code select 1 as update}).
     * Reserved words such as {@code FOR} and {@code INTO} may be column labels there, unreserved ones
     * such as {@code UPDATE} almost anywhere a name goes.
     */
    private static boolean nameOnly(List<Token> t, int i) {
        return i > 0 && (t.get(i - 1).isPunct('.') || t.get(i - 1).isWord("as"));
    }

    /**
     * Whether the INSERT / UPDATE / DELETE / MERGE word at {@code i} opens a data-modifying statement
     * (a CTE body, the statement after a WITH list) rather than being a name. Inside a query such a
     * statement only ever follows {@code (} (a CTE body) or the end of a WITH list ({@code )}, or the
     * last name of a SEARCH / CYCLE clause), and the word is followed by the rest of its statement's
     * mandatory syntax: {@code INSERT INTO}, {@code MERGE INTO}, {@code DELETE FROM},
     * {@code UPDATE target SET}. Anywhere else the word is a name: after {@code .} or {@code AS},
     * before {@code .} or {@code AS} (a qualifier, a CTE's name), first in a select-list item (after
     * {@code SELECT}, {@code DISTINCT}, {@code ALL}), after {@code ,}, an operator or a literal (an
     * operand). When in doubt the word counts as a statement, that is, as a write.
     */
    private static boolean opensDataModifyingStatement(List<Token> t, int i) {
        if (i == 0 || nameOnly(t, i) || punct(t, i + 1, '.') || word(t, i + 1, "as")) {
            return false;
        }
        Token prev = t.get(i - 1);
        boolean afterStatementBoundary = prev.isPunct('(') || prev.isPunct(')')
                || prev.kind() == TokenKind.QUOTED_IDENT
                || (prev.kind() == TokenKind.WORD && !SELECT_LIST_STARTS.contains(prev.value()));
        if (!afterStatementBoundary) {
            return false;
        }
        return switch (t.get(i).value()) {
            case "insert", "merge" -> word(t, i + 1, "into");
            case "delete" -> word(t, i + 1, "from");
            default -> updateTarget(t, i + 1);
        };
    }

    /** {@code [ONLY] [(] name[.name...] [)] [*] [[AS] alias] SET} from {@code i}: an UPDATE's target. */
    private static boolean updateTarget(List<Token> t, int i) {
        int k = word(t, i, "only") ? i + 1 : i;
        boolean parenthesised = punct(t, k, '(');
        if (parenthesised) {
            k++;
        }
        if (k >= t.size() || !t.get(k).isName()) {
            return false;
        }
        k++;
        while (punct(t, k, '.') && k + 1 < t.size() && t.get(k + 1).isName()) {
            k += 2;
        }
        if (parenthesised) {
            if (!punct(t, k, ')')) {
                return false;
            }
            k++;
        }
        if (k < t.size() && t.get(k).kind() == TokenKind.OPERATOR && t.get(k).text().equals("*")) {
            k++;
        }
        if (word(t, k, "set")) {
            return true;
        }
        if (word(t, k, "as")) {
            k++;
        }
        return k < t.size() && t.get(k).isName() && word(t, k + 1, "set");
    }

    private static boolean intoTemp(List<Token> t, int i) {
        int k = word(t, i, "local") || word(t, i, "global") ? i + 1 : i;
        return word(t, k, "temp") || word(t, k, "temporary");
    }

    private static String lockingClause(List<Token> t, int i) {
        if (word(t, i + 1, "update")) {
            return "FOR UPDATE";
        }
        if (word(t, i + 1, "share")) {
            return "FOR SHARE";
        }
        if (word(t, i + 1, "no") && word(t, i + 2, "key") && word(t, i + 3, "update")) {
            return "FOR NO KEY UPDATE";
        }
        if (word(t, i + 1, "key") && word(t, i + 2, "share")) {
            return "FOR KEY SHARE";
        }
        return null;
    }

    /** EXPLAIN [ANALYZE] [VERBOSE] X, EXPLAIN (options) X: routed as X, never a read unless X is. */
    private Verdict explain(List<Token> t, int depth) {
        int i = 1;
        boolean analyze = false;
        boolean parenthesisedQuery = punct(t, 2, '(')
                || (t.size() > 2 && t.get(2).kind() == TokenKind.WORD && QUERY_STARTS.contains(t.get(2).value()));
        if (punct(t, 1, '(') && !parenthesisedQuery) {
            int close = matching(t, 1);
            analyze = analyzeOption(t, 2, close);
            i = close + 1;
        } else {
            while (word(t, i, "analyze") || word(t, i, "analyse") || word(t, i, "verbose")) {
                analyze |= !t.get(i).value().equals("verbose");
                i++;
            }
        }
        if (i >= t.size()) {
            return write("EXPLAIN without statement");
        }
        Verdict inner = classify(t.subList(i, t.size()), depth + 1);
        return switch (inner.type()) {
            case READ -> read("explain " + inner.detail());
            case SESSION_STATE -> session("explain " + inner.detail());
            default -> write((analyze ? "EXPLAIN ANALYZE " : "explain ") + inner.detail());
        };
    }

    /** Whether the options between {@code from} and {@code to} (exclusive) turn ANALYZE on. */
    private static boolean analyzeOption(List<Token> t, int from, int to) {
        int elementStart = from;
        for (int i = from; i <= to; i++) {
            if (i < to && !t.get(i).isPunct(',')) {
                continue;
            }
            for (int k = elementStart; k < i; k++) {
                if (word(t, k, "analyze") || word(t, k, "analyse")) {
                    boolean off = k == elementStart && i - k == 2 && FALSE_VALUES.contains(unquote(t.get(k + 1)));
                    if (!off) {
                        return true;
                    }
                }
            }
            elementStart = i + 1;
        }
        return false;
    }

    /** COPY (query) TO STDOUT and COPY table [(columns)] TO STDOUT are reads; the rest writes. */
    private Verdict copy(List<Token> t, int depth) {
        int i = 1;
        Verdict inner = null;
        if (punct(t, 1, '(')) {
            int close = matching(t, 1);
            inner = classify(t.subList(2, close), depth + 1);
            i = close + 1;
        } else {
            while (i < t.size() && t.get(i).isName() && punct(t, i + 1, '.')) {
                i += 2;
            }
            if (i >= t.size() || !t.get(i).isName()) {
                return write("unknown COPY form");
            }
            i++;
            if (punct(t, i, '(')) {
                i = matching(t, i) + 1;
            }
        }
        if (word(t, i, "from")) {
            return write("COPY FROM");
        }
        if (!word(t, i, "to") || !word(t, i + 1, "stdout")) {
            return write("COPY TO file or program");
        }
        if (inner == null) {
            return read("copy to stdout");
        }
        return switch (inner.type()) {
            case READ -> read("copy (" + inner.detail() + ") to stdout");
            case SESSION_STATE -> inner;
            default -> write("COPY (" + inner.detail() + ")");
        };
    }

    private static Verdict set(List<Token> t) {
        if (word(t, 1, "local")) {
            return write("SET LOCAL");
        }
        if (word(t, 1, "transaction")) {
            return write("SET TRANSACTION");
        }
        if (word(t, 1, "constraints")) {
            return write("SET CONSTRAINTS");
        }
        return session(word(t, 1, "session") ? "SET SESSION" : "SET");
    }

    /** CREATE [OR REPLACE] [GLOBAL|LOCAL] TEMP|TEMPORARY ..., or anything created in pg_temp. */
    private static Verdict create(List<Token> t) {
        int i = word(t, 1, "or") && word(t, 2, "replace") ? 3 : 1;
        if (word(t, i, "global") || word(t, i, "local")) {
            i++;
        }
        if (word(t, i, "temp") || word(t, i, "temporary")) {
            return session("CREATE TEMP");
        }
        for (int k = 0; k + 1 < t.size(); k++) {
            if (t.get(k).isName() && t.get(k).value().toLowerCase(Locale.ROOT).startsWith("pg_temp")
                    && t.get(k + 1).isPunct('.')) {
                return session("CREATE in pg_temp");
            }
        }
        return write("create");
    }

    /** DECLARE name ... WITH HOLD ... FOR query: the WITH HOLD comes before the first FOR. */
    private static boolean withHold(List<Token> t) {
        for (int i = 1; i < t.size() && !word(t, i, "for"); i++) {
            if (word(t, i, "with") && word(t, i + 1, "hold")) {
                return true;
            }
        }
        return false;
    }

    /** A write that also calls a session-state function (e.g. INSERT ... pg_advisory_lock(1)) pins. */
    private Verdict sessionCalls(List<Token> t, Verdict v) {
        for (int i = 0; i < t.size(); i++) {
            if (callEffect(t, i) == FunctionRules.Effect.SESSION) {
                return session(t.get(i).value().toLowerCase(Locale.ROOT) + "()");
            }
        }
        return v;
    }

    /** The effect of the call when {@code t[i]} is a (possibly qualified) name followed by '('. */
    private FunctionRules.Effect callEffect(List<Token> t, int i) {
        Token tok = t.get(i);
        if (!tok.isName() || !punct(t, i + 1, '(')) {
            return FunctionRules.Effect.NONE;
        }
        String schema = i >= 2 && t.get(i - 1).isPunct('.') && t.get(i - 2).isName()
                ? t.get(i - 2).value().toLowerCase(Locale.ROOT) : null;
        return functions.effect(schema, tok.value().toLowerCase(Locale.ROOT));
    }

    /** Index of the ')' matching the '(' at {@code open}; the statement's parentheses balance. */
    private static int matching(List<Token> t, int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).isPunct('(')) {
                depth++;
            } else if (t.get(i).isPunct(')') && --depth == 0) {
                return i;
            }
        }
        return t.size() - 1;
    }

    private static String unquote(Token t) {
        String text = t.kind() == TokenKind.STRING && t.text().startsWith("'") && t.text().length() >= 2
                ? t.text().substring(1, t.text().length() - 1) : t.text();
        return text.toLowerCase(Locale.ROOT);
    }

    private static boolean word(List<Token> t, int i, String lower) {
        return i < t.size() && t.get(i).isWord(lower);
    }

    private static boolean punct(List<Token> t, int i, char c) {
        return i < t.size() && t.get(i).isPunct(c);
    }

    private static Verdict unknown(Token first) {
        String text = first.text();
        text = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return write("unknown statement "
                + (first.kind() == TokenKind.WORD ? text.toUpperCase(Locale.ROOT) : text));
    }

    private static Verdict read(String detail) {
        return new Verdict(StatementType.READ, detail);
    }

    private static Verdict write(String detail) {
        return new Verdict(StatementType.WRITE, detail);
    }

    private static Verdict session(String detail) {
        return new Verdict(StatementType.SESSION_STATE, detail);
    }

    private static Verdict transaction(String detail) {
        return new Verdict(StatementType.TRANSACTION_CONTROL, detail);
    }
}
