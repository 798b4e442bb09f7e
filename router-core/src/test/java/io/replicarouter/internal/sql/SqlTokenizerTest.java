package io.replicarouter.internal.sql;

import static io.replicarouter.internal.sql.TokenKind.BLOCK_COMMENT;
import static io.replicarouter.internal.sql.TokenKind.LINE_COMMENT;
import static io.replicarouter.internal.sql.TokenKind.NUMBER;
import static io.replicarouter.internal.sql.TokenKind.OPERATOR;
import static io.replicarouter.internal.sql.TokenKind.OTHER;
import static io.replicarouter.internal.sql.TokenKind.PARAM;
import static io.replicarouter.internal.sql.TokenKind.PUNCT;
import static io.replicarouter.internal.sql.TokenKind.QUOTED_IDENT;
import static io.replicarouter.internal.sql.TokenKind.STRING;
import static io.replicarouter.internal.sql.TokenKind.WORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlTokenizerTest {

    private static List<Token> tokens(String sql) {
        SqlTokenizer.Result r = SqlTokenizer.tokenize(sql);
        assertThat(r.error()).as("error for %s", sql).isNull();
        return r.tokens();
    }

    private static List<TokenKind> kinds(String sql) {
        return tokens(sql).stream().map(Token::kind).toList();
    }

    private static List<String> texts(String sql) {
        return tokens(sql).stream().map(Token::text).toList();
    }

    @Test
    void wordsAreLowerCasedAndKeepTheirSourceText() {
        List<Token> t = tokens("SeLeCt Foo_1$x");
        assertThat(t).extracting(Token::kind).containsExactly(WORD, WORD);
        assertThat(t).extracting(Token::text).containsExactly("SeLeCt", "Foo_1$x");
        assertThat(t).extracting(Token::value).containsExactly("select", "foo_1$x");
        assertThat(t).extracting(Token::start).containsExactly(0, 7);
        assertThat(t).extracting(Token::end).containsExactly(6, 14);
    }

    @Test
    void onlyAsciiLettersAreFolded() {
        assertThat(tokens("\u212Aey ÄB").get(0).value()).isEqualTo("\u212Aey");
        assertThat(tokens("\u212Aey ÄB").get(1).value()).isEqualTo("Äb");
    }

    @Test
    void lineCommentEndsAtNewlineOrCarriageReturn() {
        assertThat(texts("select 1 -- x ; y\ndelete")).containsExactly("select", "1", "-- x ; y", "delete");
        assertThat(kinds("a --c\rb")).containsExactly(WORD, LINE_COMMENT, WORD);
        assertThat(kinds("a --")).containsExactly(WORD, LINE_COMMENT);
    }

    @Test
    void blockCommentsNest() {
        assertThat(texts("/* a /* b */ c */ select")).containsExactly("/* a /* b */ c */", "select");
        assertThat(kinds("/**/x")).containsExactly(BLOCK_COMMENT, WORD);
        assertThat(texts("/*/ x */y")).containsExactly("/*/ x */", "y");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/* a", "/* /* */", "select 1 /*", "/*/"})
    void unterminatedBlockCommentIsAnError(String sql) {
        assertThat(SqlTokenizer.tokenize(sql).error()).isEqualTo("unterminated block comment");
    }

    @Test
    void standardStringsDoubleTheQuoteAndKeepBackslashesLiteral() {
        assertThat(texts("'it''s' x")).containsExactly("'it''s'", "x");
        assertThat(texts("'a\\' x")).containsExactly("'a\\'", "x");
        assertThat(kinds("'a' 'b'")).containsExactly(STRING, STRING);
    }

    @Test
    void legacyModeTreatsBackslashInPlainStringsAsEscape() {
        SqlTokenizer.Result r = SqlTokenizer.tokenize("'a\\'b' x", true);
        assertThat(r.tokens()).extracting(Token::text).containsExactly("'a\\'b'", "x");
        assertThat(SqlTokenizer.tokenize("'a\\'", true).error()).startsWith("unterminated");
    }

    @Test
    void escapeStringsHonourBackslash() {
        assertThat(texts("E'it\\'s' e'x\\\\' y")).containsExactly("E'it\\'s'", "e'x\\\\'", "y");
        assertThat(kinds("E'it\\'s'")).containsExactly(STRING);
        assertThat(texts("E'a''b'")).containsExactly("E'a''b'");
        assertThat(SqlTokenizer.tokenize("E'it\\'").error()).isEqualTo("unterminated escape string literal");
    }

    @Test
    void prefixedStrings() {
        assertThat(texts("B'0101' X'ff' N'n' b'1' x'F'")).containsExactly("B'0101'", "X'ff'", "N'n'", "b'1'", "x'F'");
        assertThat(kinds("B'0101' X'ff' N'n'")).containsExactly(STRING, STRING, STRING);
        assertThat(kinds("be'x'")).containsExactly(WORD, STRING);
    }

    @Test
    void unicodeStringsAndIdentifiersWithUescape() {
        assertThat(texts("U&'d\\0061t' x")).containsExactly("U&'d\\0061t'", "x");
        assertThat(texts("U&'d!0061t' UESCAPE '!' x")).containsExactly("U&'d!0061t' UESCAPE '!'", "x");
        Token id = tokens("U&\"d\\0061t\\+000061\"").get(0);
        assertThat(id.kind()).isEqualTo(QUOTED_IDENT);
        assertThat(id.value()).isEqualTo("data");
        Token custom = tokens("u&\"!006Eextval\" uescape /* c */ '!'(").get(0);
        assertThat(custom.value()).isEqualTo("nextval");
        assertThat(SqlTokenizer.tokenize("U&\"\\zz\"").error()).isEqualTo("invalid Unicode escape");
        assertThat(SqlTokenizer.tokenize("U&'x' UESCAPE 'a'").error()).isEqualTo("invalid UESCAPE character");
    }

    @Test
    void quotedIdentifiers() {
        Token t = tokens("\"weird \"\"name\"\"\"").get(0);
        assertThat(t.kind()).isEqualTo(QUOTED_IDENT);
        assertThat(t.value()).isEqualTo("weird \"name\"");
        assertThat(tokens("\"UPDATE\"").get(0).value()).isEqualTo("UPDATE");
        assertThat(SqlTokenizer.tokenize("\"\"").error()).isEqualTo("zero-length quoted identifier");
        assertThat(SqlTokenizer.tokenize("\"abc").error()).isEqualTo("unterminated quoted identifier");
    }

    @Test
    void dollarQuotes() {
        assertThat(texts("$$a;b$$ x")).containsExactly("$$a;b$$", "x");
        assertThat(texts("$tag$ $$ ; $tag$ y")).containsExactly("$tag$ $$ ; $tag$", "y");
        assertThat(texts("$a$x$a$$b$y$b$")).containsExactly("$a$x$a$", "$b$y$b$");
        assertThat(kinds("$_1$ x $_1$")).containsExactly(STRING);
        assertThat(SqlTokenizer.tokenize("$a$ x $b$").error()).startsWith("unterminated dollar-quoted string");
    }

    @Test
    void dollarInsideIdentifiersAndParameters() {
        assertThat(texts("a$b $1 $23::int")).containsExactly("a$b", "$1", "$23", "::", "int");
        assertThat(kinds("a$b $1 $23::int")).containsExactly(WORD, PARAM, PARAM, OPERATOR, WORD);
        assertThat(texts("a$$b$$")).containsExactly("a$$b$$");
        assertThat(kinds("$ x")).containsExactly(OTHER, WORD);
    }

    @Test
    void jdbcParametersCastsAndOperators() {
        assertThat(texts("a=?::int and b<>? or c ->> 'k' ?| d")).containsExactly(
                "a", "=", "?", "::", "int", "and", "b", "<>", "?", "or", "c", "->>", "'k'", "?", "|", "d");
        assertThat(kinds("a:=1 b:c")).containsExactly(WORD, OPERATOR, NUMBER, WORD, OPERATOR, WORD);
    }

    @Test
    void operatorsStopBeforeComments() {
        assertThat(texts("2*/*c*/3")).containsExactly("2", "*", "/*c*/", "3");
        assertThat(texts("1+--c\n2")).containsExactly("1", "+", "--c", "2");
    }

    @Test
    void numbers() {
        assertThat(texts("1 1.5 .5 1e10 1.5E-3 0x1F 1_000 1..2"))
                .containsExactly("1", "1.5", ".5", "1e10", "1.5E-3", "0x1F", "1_000", "1", ".", ".2");
        assertThat(kinds("a.b")).containsExactly(WORD, PUNCT, WORD);
    }

    @Test
    void punctuation() {
        assertThat(kinds("(),;[].")).containsExactly(PUNCT, PUNCT, PUNCT, PUNCT, PUNCT, PUNCT, PUNCT);
        assertThat(kinds("{fn x}")).containsExactly(OTHER, WORD, WORD, OTHER);
    }

    @Test
    void everythingInsideLiteralsStaysInsideOneToken() {
        String sql = "select '/*' ; delete from t ; select '*/'";
        assertThat(texts(sql)).containsExactly("select", "'/*'", ";", "delete", "from", "t", ";", "select", "'*/'");
    }

    @Test
    void whitespaceIsNotATokenAndOffsetsMatchTheSource() {
        String sql = " \t\n\f\u000Bselect\r\n1 ";
        for (Token t : tokens(sql)) {
            assertThat(sql.substring(t.start(), t.end())).isEqualTo(t.text());
        }
        assertThat(texts(sql)).containsExactly("select", "1");
    }

    @Test
    void tokensBeforeAnErrorAreKept() {
        SqlTokenizer.Result r = SqlTokenizer.tokenize("/* route:primary */ select 'x");
        assertThat(r.ok()).isFalse();
        assertThat(r.tokens()).extracting(Token::text).containsExactly("/* route:primary */", "select");
    }
}
