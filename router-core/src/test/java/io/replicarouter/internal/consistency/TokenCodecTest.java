package io.replicarouter.internal.consistency;

import io.replicarouter.TokenProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCodecTest {

    private static final byte[] SECRET = "0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8);

    private static Map<Long, Long> positions() {
        Map<Long, Long> p = new LinkedHashMap<>();
        p.put(7311021234567890123L, 0x16B3748L);
        p.put(-42L, 0xFFFF_FFFF_0000_0001L); // unsigned ids and positions survive
        return p;
    }

    @Test
    void unsignedRoundTrip() {
        TokenCodec codec = new TokenCodec(null);
        String token = codec.encode(positions());
        assertThat(token).startsWith("1.").doesNotContain(" ", ",", ";", "=");
        assertThat(codec.decode(token).positions()).isEqualTo(positions());
        assertThat(codec.decode(token).ok()).isTrue();
    }

    @Test
    void signedRoundTripAndTampering() {
        TokenCodec codec = new TokenCodec(SECRET);
        String token = codec.encode(positions());
        assertThat(codec.decode(token).positions()).isEqualTo(positions());

        String tampered = token.replace("16b3748", "16b3749");
        assertThat(codec.decode(tampered).problem()).isEqualTo(TokenProblem.BAD_SIGNATURE);
        assertThat(codec.decode(tampered).detail()).isEqualTo("bad signature");
        String unsigned = token.substring(0, token.lastIndexOf('.'));
        assertThat(codec.decode(unsigned).problem()).isEqualTo(TokenProblem.UNSIGNED);
        assertThat(codec.decode(unsigned).detail()).contains("unsigned");
        TokenCodec.Decoded otherSecret = new TokenCodec("another-secret-of-16+".getBytes(StandardCharsets.UTF_8))
                .decode(token);
        assertThat(otherSecret.problem()).isEqualTo(TokenProblem.BAD_SIGNATURE);
        TokenCodec.Decoded noSecret = new TokenCodec(null).decode(token);
        assertThat(noSecret.problem()).isEqualTo(TokenProblem.UNEXPECTED_SIGNATURE);
        assertThat(noSecret.detail()).contains("no secret");
        assertThat(codec.decode(token).problem()).isNull();
        assertThat(codec.decode(token).detail()).isNull();
    }

    @Test
    void emptyScopeIsAValidToken() {
        TokenCodec codec = new TokenCodec(null);
        assertThat(codec.decode(codec.encode(Map.of())).positions()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "2.1-1", "1", "1.zz-1", "1.1-", "1.-1", "1.1-1-1", "1.11111111111111111-1",
            "1.1-1.sig.more", "1.1-1_", "%%%", "1.+1-1", "1.1-+1", "1.1-٣", "1. 1-1"})
    void malformedTokensYieldAProblemNotAnException(String token) {
        TokenCodec.Decoded d = new TokenCodec(null).decode(token);
        assertThat(d.ok()).isFalse();
        assertThat(d.problem()).isEqualTo(TokenProblem.MALFORMED);
        assertThat(d.positions()).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''          | MALFORMED | empty token",
        "x           | MALFORMED | not a version-1 token",
        "1.1-1.sig.x | MALFORMED | not a version-1 token",
        "1.zz-1      | MALFORMED | malformed entry",
        "1.1-1_      | MALFORMED | malformed entry",
    })
    void eachRefusalNamesItsProblem(String token, TokenProblem problem, String detail) {
        TokenCodec.Decoded d = new TokenCodec(null).decode(token);
        assertThat(d.problem()).isEqualTo(problem);
        assertThat(d.detail()).isEqualTo(detail);
    }

    @Test
    void oversizedTokensAreRefused() {
        TokenCodec.Decoded longer = new TokenCodec(null).decode("1." + "a-1_".repeat(600));
        assertThat(longer.problem()).isEqualTo(TokenProblem.TOO_LARGE);
        assertThat(longer.detail()).contains("longer");
        TokenCodec.Decoded many = new TokenCodec(null).decode("1." + "a-1_".repeat(64) + "a-1");
        assertThat(many.problem()).isEqualTo(TokenProblem.TOO_LARGE);
        assertThat(many.detail()).isEqualTo("more than 64 clusters");
    }

    /** The signature as the format defines it, computed with a fresh Mac. */
    private static String expectedSignature(String payload) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] full = mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
    }

    @Test
    void theCachedMacSignsEveryTokenAsAFreshOneWould() throws Exception {
        TokenCodec codec = new TokenCodec(SECRET);
        for (int i = 0; i < 50; i++) {
            Map<Long, Long> p = Map.of(7L, 1000L + i);
            String token = codec.encode(p);
            String payload = token.substring(0, token.lastIndexOf('.'));
            assertThat(token.substring(token.lastIndexOf('.') + 1)).isEqualTo(expectedSignature(payload));
            assertThat(codec.decode(token).positions()).isEqualTo(p);
            // A refused token in between leaves the Mac ready for the next one.
            assertThat(codec.decode(payload + ".AAAAAAAAAAAAAAAAAAAAAA").problem()).isEqualTo(TokenProblem.BAD_SIGNATURE);
        }
    }

    @Test
    void signingFromManyThreadsAtOnceGivesTheSameTokens() throws Exception {
        TokenCodec codec = new TokenCodec(SECRET);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        Map<Long, Long> p = Map.of((long) thread, (long) i);
                        String token = codec.encode(p);
                        if (!codec.decode(token).positions().equals(p)
                                || !token.endsWith(expectedSignature(token.substring(0, token.lastIndexOf('.'))))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> r : results) {
                assertThat(r.get(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
