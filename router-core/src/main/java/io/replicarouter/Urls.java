package io.replicarouter;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Pattern;

/** Shows JDBC URLs without credentials (in logs, messages and {@code toString}) and checks their form. */
final class Urls {

    private static final String PREFIX = "jdbc:postgresql:";
    private static final String FORM = "jdbc:postgresql://host[:port][,host2[:port2]...]/database[?param=value&...]";
    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)((?:password|sslpassword|sslkey|user)=)[^&;]*");
    private static final Pattern HOST_NAME = Pattern.compile("[\\p{L}\\p{N}_.-]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\p{L}\\p{N}_.%-]+)?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private Urls() {
    }

    /**
     * The URL with its credentials replaced by {@code ***}: a {@code user:password@} part (up to the last
     * {@code @} before the first parameter, so a password holding {@code /}, {@code ?} or {@code @} is hidden
     * whole) and the values of {@code password}, {@code sslpassword}, {@code sslkey} and {@code user}.
     */
    static String redact(String url) {
        if (url == null) {
            return null;
        }
        String noUserInfo = url;
        int start = url.indexOf("//");
        if (start >= 0) {
            int from = start + 2;
            int query = url.indexOf('?', from);
            int firstValue = query < 0 ? -1 : url.indexOf('=', query);
            int end = firstValue < 0 ? url.length() : firstValue;
            int at = url.lastIndexOf('@', end - 1);
            if (at >= from) {
                noUserInfo = url.substring(0, from) + "***" + url.substring(at);
            }
        }
        return SECRET_PARAM.matcher(noUserInfo).replaceAll("$1***");
    }

    /**
     * Why pgjdbc could not use this URL, or {@code null} when it can: the grammar
     * {@code jdbc:postgresql:database}, {@code jdbc:postgresql:} or
     * {@code jdbc:postgresql://host[:port][,host2[:port2]...]/[database][?params]} (IPv6 addresses in
     * brackets, ports 1-65535, default 5432), checked here first (for problems pgjdbc lets through to connect
     * time, such as spaces or an unclosed bracket) and then by the JDBC driver itself
     * ({@link java.sql.Driver#acceptsURL}). The text never contains the URL's credentials.
     */
    static String problem(String url) {
        if (url == null) {
            return "is null; give a JDBC URL of the form " + FORM;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                return "contains a space or control character; percent-encode it (a space is %20)";
            }
        }
        if (!url.startsWith("jdbc:")) {
            return "is not a JDBC URL; the form is " + FORM;
        }
        if (!url.startsWith(PREFIX)) {
            return "is not a PostgreSQL JDBC URL (only PostgreSQL is supported); the form is " + FORM;
        }
        int query = url.indexOf('?');
        String server = url.substring(PREFIX.length(), query < 0 ? url.length() : query);
        if (server.startsWith("//")) {
            String rest = server.substring(2);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            if (authority.indexOf('@') >= 0) {
                return "carries a user:password@ part, which pgjdbc does not accept; pass the user name and password"
                        + " as the builder's arguments (or as user= and password= parameters)";
            }
            if (authority.isEmpty()) {
                return "names no host; write jdbc:postgresql://localhost/database (or jdbc:postgresql:database"
                        + " for localhost:5432)";
            }
            if (slash < 0) {
                return "has no '/' after the host[:port]; the form is " + FORM;
            }
            if (rest.indexOf('/', slash + 1) >= 0) {
                return "has more than one '/' after the host; the database name is the part between the first '/'"
                        + " and '?' (percent-encode a '/' in it as %2F)";
            }
            for (String address : authority.split(",", -1)) {
                String problem = addressProblem(address);
                if (problem != null) {
                    return problem;
                }
            }
        } else if (server.startsWith("/")) {
            return "has a single '/' after jdbc:postgresql:; write jdbc:postgresql://host/database or"
                    + " jdbc:postgresql:database";
        }
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            return "is accepted by no JDBC driver on the classpath (is org.postgresql:postgresql on the runtime"
                    + " classpath? is the database name or a parameter badly percent-encoded?); the form is " + FORM;
        }
        return null;
    }

    private static String addressProblem(String address) {
        if (address.isEmpty()) {
            return "has an empty host in its host list; separate hosts with one ',' (host1:5432,host2:5433)";
        }
        String host;
        String port = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                return "has an unclosed '[' in host '" + address + "'; an IPv6 address is written [::1] or [::1]:5432";
            }
            host = address.substring(1, close);
            if (!IPV6.matcher(host).matches()) {
                return "has '" + address.substring(0, close + 1) + "', which is not an IPv6 address (such as [::1])";
            }
            String after = address.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    return "has '" + after + "' after the IPv6 address " + address.substring(0, close + 1)
                            + "; only :port may follow it";
                }
                port = after.substring(1);
            }
        } else {
            int colon = address.indexOf(':');
            host = colon < 0 ? address : address.substring(0, colon);
            if (colon >= 0) {
                port = address.substring(colon + 1);
                if (port.indexOf(':') >= 0) {
                    return "has host '" + address + "' with more than one ':'; write an IPv6 address in brackets,"
                            + " such as [::1]:5432";
                }
            }
            if (host.isEmpty()) {
                return "has an empty host before ':" + port + "'";
            }
            if (!HOST_NAME.matcher(host).matches()) {
                return "has host '" + host + "', which is not a host name or IPv4 address";
            }
        }
        if (port != null && (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1
                || Integer.parseInt(port) > 65535)) {
            return "has port '" + port + "' for host '" + host + "'; a port is a number from 1 to 65535";
        }
        return null;
    }
}
