package io.replicarouter;

import java.util.regex.Pattern;

/** Shows JDBC URLs without credentials (in logs, messages and {@code toString}). */
final class Urls {

    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)((?:password|sslpassword|sslkey|user)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");

    private Urls() {
    }

    static String redact(String url) {
        if (url == null) {
            return null;
        }
        String noUserInfo = USER_INFO.matcher(url).replaceFirst("//***@");
        return SECRET_PARAM.matcher(noUserInfo).replaceAll("$1***");
    }
}
