package io.replicarouter.internal.consistency;

import io.replicarouter.internal.postgres.Lsns;

import io.replicarouter.TokenProblem;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Consistency tokens: {@code 1.<systemId>-<lsn>[_<systemId>-<lsn>...][.<signature>]}, ids and positions in
 * hexadecimal, one entry per cluster (shard), safe in headers, cookies and URLs. With a secret, the
 * signature is the first 16 bytes of HMAC-SHA256 over everything before it, base64url; unsigned or wrongly
 * signed tokens are then refused. Decoding never throws: a bad token yields a problem and a reason.
 */
public final class TokenCodec {

    private static final String VERSION = "1";
    private static final int MAX_LENGTH = 2048;
    private static final int MAX_ENTRIES = 64;

    private final byte[] secret;
    /**
     * One Mac per thread, initialised with the key once: {@code Mac.getInstance} and {@code init} (the provider
     * lookup and the key schedule) cost more than signing a token, and a Mac is not thread-safe. {@code doFinal}
     * leaves it initialised with the same key, ready for the next token.
     */
    private final ThreadLocal<Mac> macs;

    /** @param secret the HMAC key, or {@code null} for unsigned tokens */
    public TokenCodec(byte[] secret) {
        this.secret = secret == null ? null : secret.clone();
        this.macs = secret == null ? null : ThreadLocal.withInitial(this::newMac);
        if (secret != null) {
            newMac(); // fails here, at build time, if HmacSHA256 is missing
        }
    }

    public boolean signs() {
        return secret != null;
    }

    /** Whether {@code other} signs with the same secret (or neither signs): the tokens of one are the other's. */
    public boolean sameKey(TokenCodec other) {
        if (secret == null || other.secret == null) {
            return secret == null && other.secret == null;
        }
        return MessageDigest.isEqual(secret, other.secret);
    }

    /**
     * The decoded entries (system identifier → LSN), or why the token is unusable: {@code problem} (for metrics)
     * and {@code detail} (for people), both {@code null} for a good token.
     */
    public record Decoded(Map<Long, Long> positions, TokenProblem problem, String detail) {
        public boolean ok() {
            return problem == null;
        }
    }

    public String encode(Map<Long, Long> positions) {
        StringBuilder sb = new StringBuilder(VERSION).append('.');
        boolean first = true;
        for (Map.Entry<Long, Long> e : positions.entrySet()) {
            if (!first) {
                sb.append('_');
            }
            first = false;
            sb.append(Long.toHexString(e.getKey())).append('-').append(Long.toHexString(e.getValue()));
        }
        if (secret != null) {
            String signature = sign(sb.toString()); // over everything before the separator
            sb.append('.').append(signature);
        }
        return sb.toString();
    }

    public Decoded decode(String token) {
        if (token == null || token.isEmpty()) {
            return bad(TokenProblem.MALFORMED, "empty token");
        }
        if (token.length() > MAX_LENGTH) {
            return bad(TokenProblem.TOO_LARGE, "token longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length < 2 || parts.length > 3 || !parts[0].equals(VERSION)) {
            return bad(TokenProblem.MALFORMED, "not a version-" + VERSION + " token");
        }
        if (secret != null) {
            if (parts.length != 3) {
                return bad(TokenProblem.UNSIGNED, "unsigned token (a secret is configured)");
            }
            String expected = sign(parts[0] + "." + parts[1]);
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    parts[2].getBytes(StandardCharsets.US_ASCII))) {
                return bad(TokenProblem.BAD_SIGNATURE, "bad signature");
            }
        } else if (parts.length == 3) {
            return bad(TokenProblem.UNEXPECTED_SIGNATURE, "signed token but no secret is configured");
        }
        Map<Long, Long> positions = new LinkedHashMap<>();
        if (parts[1].isEmpty()) {
            return new Decoded(positions, null, null);
        }
        String[] entries = parts[1].split("_", -1);
        if (entries.length > MAX_ENTRIES) {
            return bad(TokenProblem.TOO_LARGE, "more than " + MAX_ENTRIES + " clusters");
        }
        for (String entry : entries) {
            int dash = entry.indexOf('-');
            if (dash <= 0 || dash == entry.length() - 1 || dash > 16 || entry.length() - dash - 1 > 16
                    || !Lsns.hex(entry, 0, dash) || !Lsns.hex(entry, dash + 1, entry.length())) {
                return bad(TokenProblem.MALFORMED, "malformed entry");
            }
            try {
                positions.put(Long.parseUnsignedLong(entry, 0, dash, 16),
                        Long.parseUnsignedLong(entry, dash + 1, entry.length(), 16));
            } catch (NumberFormatException e) {
                return bad(TokenProblem.MALFORMED, "malformed entry");
            }
        }
        return new Decoded(positions, null, null);
    }

    private static Decoded bad(TokenProblem problem, String detail) {
        return new Decoded(Map.of(), problem, detail);
    }

    private String sign(String payload) {
        byte[] full = macs.get().doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
