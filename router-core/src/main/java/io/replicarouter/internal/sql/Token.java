package io.replicarouter.internal.sql;

/**
 * One lexeme of a SQL string.
 *
 * @param kind lexical category
 * @param text the exact source text of the token
 * @param value normalised value: lower-cased word, decoded quoted identifier; otherwise the text
 * @param start offset of the first character in the SQL string
 * @param end offset just past the last character
 */
record Token(TokenKind kind, String text, String value, int start, int end) {

    boolean isWord(String lowerCase) {
        return kind == TokenKind.WORD && value.equals(lowerCase);
    }

    boolean isPunct(char c) {
        return kind == TokenKind.PUNCT && text.charAt(0) == c;
    }

    boolean isComment() {
        return kind == TokenKind.LINE_COMMENT || kind == TokenKind.BLOCK_COMMENT;
    }

    boolean isName() {
        return kind == TokenKind.WORD || kind == TokenKind.QUOTED_IDENT;
    }
}
