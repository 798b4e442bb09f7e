package io.replicarouter.internal.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL-flavoured SQL lexer, precise enough to find statement boundaries and keywords.
 *
 * <p>Handles {@code --} comments, nested block comments, standard strings ({@code 'it''s'}),
 * escape strings ({@code E'it\'s'}), {@code N''}, {@code B''}, {@code X''}, {@code U&''} and
 * {@code U&""} (with an optional {@code UESCAPE 'c'} clause, which becomes part of the token, as
 * PostgreSQL treats it), quoted identifiers, dollar quotes, {@code $n} and JDBC {@code ?}
 * parameters, {@code ::} casts and operators. It never throws: an unterminated comment, string,
 * identifier or dollar quote ends the scan with {@link Result#error()} set.
 */
final class SqlTokenizer {

    /**
     * Tokens in source order (comments included) and, when the text is not lexically valid, the
     * reason; tokens scanned before the error are still returned.
     */
    record Result(List<Token> tokens, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private final String s;
    private final int n;
    private final boolean backslashInPlainStrings;
    private final List<Token> out = new ArrayList<>();
    private int pos;

    private SqlTokenizer(String sql, boolean backslashInPlainStrings) {
        this.s = sql;
        this.n = sql.length();
        this.backslashInPlainStrings = backslashInPlainStrings;
    }

    /** Tokenizes with {@code standard_conforming_strings = on}. */
    static Result tokenize(String sql) {
        return tokenize(sql, false);
    }

    /**
     * Tokenizes {@code sql}.
     *
     * @param backslashInPlainStrings true to lex {@code '...'} and {@code N'...'} as if
     *     {@code standard_conforming_strings} were off (backslash escapes the next character)
     */
    static Result tokenize(String sql, boolean backslashInPlainStrings) {
        return new SqlTokenizer(sql, backslashInPlainStrings).run();
    }

    private Result run() {
        while (pos < n) {
            char c = s.charAt(pos);
            if (isSpace(c)) {
                pos++;
                continue;
            }
            String error = next(c);
            if (error != null) {
                return new Result(List.copyOf(out), error);
            }
        }
        return new Result(List.copyOf(out), null);
    }

    /** Scans one token starting at {@code pos}; returns an error message or null. */
    private String next(char c) {
        int start = pos;
        char c1 = charAt(pos + 1);
        if (c == '-' && c1 == '-') {
            int e = pos + 2;
            while (e < n && s.charAt(e) != '\n' && s.charAt(e) != '\r') {
                e++;
            }
            return emit(TokenKind.LINE_COMMENT, start, e, null);
        }
        if (c == '/' && c1 == '*') {
            int e = blockCommentEnd(pos);
            return e < 0 ? "unterminated block comment" : emit(TokenKind.BLOCK_COMMENT, start, e, null);
        }
        if (c == '\'') {
            return quoted(start, start, TokenKind.STRING, backslashInPlainStrings, "string literal");
        }
        if (c == '"') {
            return quoted(start, start, TokenKind.QUOTED_IDENT, false, "quoted identifier");
        }
        if ((c == 'e' || c == 'E') && c1 == '\'') {
            return quoted(start, start + 1, TokenKind.STRING, true, "escape string literal");
        }
        if ((c == 'n' || c == 'N') && c1 == '\'') {
            return quoted(start, start + 1, TokenKind.STRING, backslashInPlainStrings, "string literal");
        }
        if ((c == 'b' || c == 'B' || c == 'x' || c == 'X') && c1 == '\'') {
            return quoted(start, start + 1, TokenKind.STRING, false, "bit-string literal");
        }
        if ((c == 'u' || c == 'U') && c1 == '&' && (charAt(pos + 2) == '\'' || charAt(pos + 2) == '"')) {
            return unicodeQuoted(start);
        }
        if (c == '$') {
            return dollar(start);
        }
        if (isIdentStart(c)) {
            int e = pos + 1;
            while (e < n && isIdentCont(s.charAt(e))) {
                e++;
            }
            return emit(TokenKind.WORD, start, e, asciiLower(s.substring(start, e)));
        }
        if (isDigit(c) || (c == '.' && isDigit(c1))) {
            return emit(TokenKind.NUMBER, start, numberEnd(start), null);
        }
        if (c == '?') {
            return emit(TokenKind.PARAM, start, start + 1, null);
        }
        if (c == ':') {
            int e = (c1 == ':' || c1 == '=') ? start + 2 : start + 1;
            return emit(TokenKind.OPERATOR, start, e, null);
        }
        if ("(),;[].".indexOf(c) >= 0) {
            return emit(TokenKind.PUNCT, start, start + 1, null);
        }
        if (isOperatorChar(c)) {
            int e = pos + 1;
            while (e < n && isOperatorChar(s.charAt(e)) && !startsComment(e)) {
                e++;
            }
            return emit(TokenKind.OPERATOR, start, e, null);
        }
        return emit(TokenKind.OTHER, start, start + 1, null);
    }

    private String emit(TokenKind kind, int start, int end, String value) {
        String text = s.substring(start, end);
        out.add(new Token(kind, text, value == null ? text : value, start, end));
        pos = end;
        return null;
    }

    /** A quoted token whose opening quote is at {@code quoteAt}; the token itself starts at {@code start}. */
    private String quoted(int start, int quoteAt, TokenKind kind, boolean backslash, String what) {
        char q = s.charAt(quoteAt);
        int e = quotedEnd(quoteAt, q, backslash);
        if (e < 0) {
            return "unterminated " + what;
        }
        String value = null;
        if (kind == TokenKind.QUOTED_IDENT) {
            value = s.substring(quoteAt + 1, e - 1).replace("\"\"", "\"");
            if (value.isEmpty()) {
                return "zero-length quoted identifier";
            }
        }
        return emit(kind, start, e, value);
    }

    /** {@code U&'...'} or {@code U&"..."}, optionally followed by {@code UESCAPE 'c'}. */
    private String unicodeQuoted(int start) {
        char q = s.charAt(start + 2);
        int e = quotedEnd(start + 2, q, false);
        if (e < 0) {
            return q == '"' ? "unterminated quoted identifier" : "unterminated string literal";
        }
        String body = s.substring(start + 3, e - 1).replace(q == '"' ? "\"\"" : "''", q == '"' ? "\"" : "'");
        char escape = '\\';
        int k = skipSpaceAndComments(e);
        if (k + 7 <= n && s.regionMatches(true, k, "uescape", 0, 7) && !isIdentCont(charAt(k + 7))) {
            int lit = skipSpaceAndComments(k + 7);
            int litEnd = lit < n && s.charAt(lit) == '\'' ? quotedEnd(lit, '\'', false) : -1;
            if (litEnd < 0) {
                return "invalid UESCAPE clause";
            }
            String esc = s.substring(lit + 1, litEnd - 1).replace("''", "'");
            if (esc.length() != 1 || "0123456789abcdefABCDEF+'\" \t\n\r\f".indexOf(esc.charAt(0)) >= 0) {
                return "invalid UESCAPE character";
            }
            escape = esc.charAt(0);
            e = litEnd;
        }
        String decoded = decodeUnicodeEscapes(body, escape);
        if (decoded == null) {
            return "invalid Unicode escape";
        }
        if (q == '"') {
            return decoded.isEmpty()
                    ? "zero-length quoted identifier"
                    : emit(TokenKind.QUOTED_IDENT, start, e, decoded);
        }
        return emit(TokenKind.STRING, start, e, null);
    }

    /** {@code $1} parameter, {@code $tag$...$tag$} dollar quote, or a lone {@code $}. */
    private String dollar(int start) {
        int j = start + 1;
        if (isDigit(charAt(j))) {
            while (isDigit(charAt(j))) {
                j++;
            }
            return emit(TokenKind.PARAM, start, j, null);
        }
        if (j < n && isIdentStart(s.charAt(j))) {
            while (j < n && isIdentCont(s.charAt(j)) && s.charAt(j) != '$') {
                j++;
            }
        }
        if (charAt(j) != '$') {
            return emit(TokenKind.OTHER, start, start + 1, null);
        }
        String delimiter = s.substring(start, j + 1);
        int close = s.indexOf(delimiter, j + 1);
        if (close < 0) {
            return "unterminated dollar-quoted string " + delimiter;
        }
        return emit(TokenKind.STRING, start, close + delimiter.length(), null);
    }

    /** End (exclusive) of a quoted run opening at {@code at}, or -1 when unterminated. */
    private int quotedEnd(int at, char q, boolean backslash) {
        int i = at + 1;
        while (i < n) {
            char ch = s.charAt(i);
            if (backslash && ch == '\\') {
                i += 2;
            } else if (ch == q) {
                if (charAt(i + 1) != q) {
                    return i + 1;
                }
                i += 2;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** End (exclusive) of a possibly nested block comment starting at {@code at}, or -1. */
    private int blockCommentEnd(int at) {
        int depth = 1;
        int i = at + 2;
        while (i < n - 1) {
            char ch = s.charAt(i);
            if (ch == '/' && s.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (ch == '*' && s.charAt(i + 1) == '/') {
                i += 2;
                if (--depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    private int skipSpaceAndComments(int from) {
        int i = from;
        while (i < n) {
            if (isSpace(s.charAt(i))) {
                i++;
            } else if (s.startsWith("--", i)) {
                while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int e = blockCommentEnd(i);
                if (e < 0) {
                    return i;
                }
                i = e;
            } else {
                break;
            }
        }
        return i;
    }

    private int numberEnd(int start) {
        int i = start;
        char c1 = charAt(i + 1);
        if (s.charAt(i) == '0' && "xXoObB".indexOf(c1) >= 0 && isIdentCont(charAt(i + 2))) {
            i += 2;
            while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            return i;
        }
        while (isDigit(charAt(i)) || charAt(i) == '_') {
            i++;
        }
        if (charAt(i) == '.' && charAt(i + 1) != '.') {
            i++;
            while (isDigit(charAt(i)) || charAt(i) == '_') {
                i++;
            }
        }
        char e = charAt(i);
        if ((e == 'e' || e == 'E')
                && (isDigit(charAt(i + 1))
                        || ((charAt(i + 1) == '+' || charAt(i + 1) == '-') && isDigit(charAt(i + 2))))) {
            i += 2;
            while (isDigit(charAt(i))) {
                i++;
            }
        }
        return i;
    }

    /** Decodes {@code \XXXX}, {@code \+XXXXXX} and doubled escape characters; null when invalid. */
    static String decodeUnicodeEscapes(String body, char escape) {
        StringBuilder b = new StringBuilder(body.length());
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c != escape) {
                b.append(c);
                i++;
                continue;
            }
            if (i + 1 < body.length() && body.charAt(i + 1) == escape) {
                b.append(escape);
                i += 2;
                continue;
            }
            boolean plus = i + 1 < body.length() && body.charAt(i + 1) == '+';
            int from = i + (plus ? 2 : 1);
            int to = from + (plus ? 6 : 4);
            if (to > body.length()) {
                return null;
            }
            int cp = 0;
            for (int k = from; k < to; k++) {
                int digit = Character.digit(body.charAt(k), 16);
                if (digit < 0 || body.charAt(k) > 'f') {
                    return null;
                }
                cp = cp * 16 + digit;
            }
            if (cp == 0 || !Character.isValidCodePoint(cp)) {
                return null;
            }
            b.appendCodePoint(cp);
            i = to;
        }
        return b.toString();
    }

    /** PostgreSQL folds only ASCII letters of unquoted identifiers. */
    static String asciiLower(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (b == null) {
                    b = new StringBuilder(text);
                }
                b.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return b == null ? text : b.toString();
    }

    private boolean startsComment(int i) {
        char c = s.charAt(i);
        char c1 = charAt(i + 1);
        return (c == '-' && c1 == '-') || (c == '/' && c1 == '*');
    }

    private char charAt(int i) {
        return i < n ? s.charAt(i) : '\0';
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean isIdentCont(char c) {
        return isIdentStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isOperatorChar(char c) {
        return "+-*/<>=~!@#%^&|`".indexOf(c) >= 0;
    }
}
