package io.replicarouter.spring;

import java.util.regex.Pattern;

/** Values as they may appear in messages: URLs without their passwords. */
final class Redaction {

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?]*:)[^/@?]*@");

    private Redaction() {
    }

    /** The URL with {@code password=***} and {@code user:***@}; {@code null} stays null. */
    static String url(String url) {
        if (url == null) {
            return null;
        }
        String redacted = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(redacted).replaceAll("$1***@");
    }
}
