package io.replicarouter.sample.user;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.ResponseCookie;

/**
 * Who is posting: a name chosen on the sign-in page, kept in the {@code forum-user} cookie (or sent as the
 * {@code X-Forum-User} header by API clients). No password, no auth framework: the sample is about the database tier.
 * nginx's micro-cache is bypassed for requests that carry the cookie.
 */
public final class UserNames {

    public static final String COOKIE = "forum-user";
    public static final String HEADER = "X-Forum-User";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,40}");

    private UserNames() {
    }

    /** Whether {@code name} can be a user name (1–40 letters, digits, {@code _ . -}). */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** The request's user name (header first, then cookie), if it carries a valid one. */
    public static Optional<String> of(HttpServletRequest request) {
        String header = request.getHeader(HEADER);
        if (isValid(header)) {
            return Optional.of(header);
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (COOKIE.equals(c.getName()) && isValid(c.getValue())) {
                    return Optional.of(c.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /** Sets the cookie for {@code name} (30 days). */
    public static void signIn(HttpServletResponse response, String name) {
        response.addHeader("Set-Cookie", ResponseCookie.from(COOKIE, name)
                .path("/").maxAge(Duration.ofDays(30)).httpOnly(true).sameSite("Lax").build().toString());
    }

    /** Clears the cookie. */
    public static void signOut(HttpServletResponse response) {
        response.addHeader("Set-Cookie", ResponseCookie.from(COOKIE, "")
                .path("/").maxAge(0).httpOnly(true).sameSite("Lax").build().toString());
    }
}
