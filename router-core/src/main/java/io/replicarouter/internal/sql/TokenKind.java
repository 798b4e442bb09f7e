package io.replicarouter.internal.sql;

/** Lexical category of a {@link Token}. */
enum TokenKind {
    /** Unquoted keyword or identifier; {@link Token#value()} is its ASCII-lower-cased text. */
    WORD,
    /** {@code "..."} or {@code U&"..."}; {@link Token#value()} is the decoded identifier. */
    QUOTED_IDENT,
    /** {@code '..'}, {@code E'..'}, {@code N'..'}, {@code B'..'}, {@code X'..'}, {@code U&'..'}, {@code $tag$..$tag$}. */
    STRING,
    /** Numeric literal. */
    NUMBER,
    /** Operator sequence, {@code ::}, {@code :}, {@code :=}. */
    OPERATOR,
    /** One of {@code ( ) [ ] , ; .} */
    PUNCT,
    /** JDBC {@code ?} or PostgreSQL {@code $n}. */
    PARAM,
    /** {@code -- ...} up to (not including) the end of the line. */
    LINE_COMMENT,
    /** {@code /* ... *}{@code /}, possibly nested. */
    BLOCK_COMMENT,
    /** Any other single character ({@code {}, {@code }}, a lone {@code $}, control characters...). */
    OTHER
}
