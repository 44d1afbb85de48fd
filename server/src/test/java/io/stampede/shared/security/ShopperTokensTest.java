package io.stampede.shared.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.stampede.shared.SharedSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Shopper tokens: what the service issues verifies to its user; anything forged, expired or malformed does not. */
class ShopperTokensTest {
    // 64 bytes, so the same key can also sign HS512 and the algorithm check is tested with the right key
    private static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String OTHER_SECRET = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    // a whole second, because JWT times are whole seconds and the expiry edge below must be exact
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(T0);
    private ShopperTokens tokens;

    @BeforeEach
    void setUp() {
        Secrets secrets = new Secrets(new SharedSettings(dataDir, "admin", SECRET, "pay", false, null, null));
        tokens = new ShopperTokens(secrets, clock);
    }

    @Test
    void anIssuedTokenVerifiesToItsUser() {
        ShopperTokens.IssuedToken issued = tokens.issue("u1", Duration.ofMinutes(10));

        assertThat(issued.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(tokens.verify(issued.token())).contains("u1");
    }

    @Test
    void aTokenSignedElsewhereWithTheSharedSecretVerifies() throws Exception {
        // the contract lets shoppers bring any HS256 JWT with sub and exp made with STAMPEDE_JWT_SECRET
        String token = sign(JWSAlgorithm.HS256, SECRET, claims("shopper@example.com", T0.plusSeconds(60)));

        assertThat(tokens.verify(token)).contains("shopper@example.com");
    }

    @Test
    void aTokenStopsVerifyingAtItsExpiry() {
        String token = tokens.issue("u1", Duration.ofMinutes(10)).token();

        clock.set(T0.plus(Duration.ofMinutes(10)).minusMillis(1));
        assertThat(tokens.verify(token)).contains("u1");

        clock.set(T0.plus(Duration.ofMinutes(10)));
        assertThat(tokens.verify(token)).isEmpty();

        clock.set(T0.plus(Duration.ofDays(1)));
        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void aTokenSignedWithAnotherKeyDoesNotVerify() throws Exception {
        String token = sign(JWSAlgorithm.HS256, OTHER_SECRET, claims("u1", T0.plusSeconds(60)));

        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void aTokenSignedWithTheRightKeyButHs512DoesNotVerify() throws Exception {
        // the contract fixes HS256; accepting another algorithm opens the door to algorithm confusion
        String token = sign(JWSAlgorithm.HS512, SECRET, claims("u1", T0.plusSeconds(60)));

        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void anUnsignedTokenDoesNotVerify() {
        String token = new PlainJWT(claims("u1", T0.plusSeconds(60))).serialize();

        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void aValidTokenRelabelledAlgNoneDoesNotVerify() {
        String[] parts = tokens.issue("u1", Duration.ofMinutes(10)).token().split("\\.", -1);
        String none = Base64URL.encode("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                .toString();

        // with the signature kept and with it dropped, as attackers try both
        assertThat(tokens.verify(none + "." + parts[1] + "." + parts[2])).isEmpty();
        assertThat(tokens.verify(none + "." + parts[1] + ".")).isEmpty();
    }

    @Test
    void aTokenWithACriticalHeaderParameterDoesNotVerify() throws Exception {
        // RFC 7515: a recipient that does not understand a critical parameter must refuse the token
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .criticalParams(Set.of("b64x"))
                        .customParam("b64x", true)
                        .build(),
                claims("u1", T0.plusSeconds(60)));
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));

        assertThat(tokens.verify(jwt.serialize())).isEmpty();
    }

    @Test
    void manyThreadsVerifyAtOnceWithThePooledKey() throws Exception {
        String token = tokens.issue("u1", Duration.ofMinutes(10)).token();
        int at = token.lastIndexOf('.') + 5; // a character of the signature that holds six of its bits
        String forged = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                boolean good = i % 2 == 0;
                answers.add(
                        pool.submit(() -> tokens.verify(good ? token : forged).isPresent() == good));
            }
            for (Future<Boolean> a : answers) {
                assertThat(a.get()).isTrue();
            }
        }
    }

    @Test
    void aValidTokenWithAnotherSubjectPastedInDoesNotVerify() {
        String[] parts = tokens.issue("u1", Duration.ofMinutes(10)).token().split("\\.", -1);
        String payload = Base64URL.encode(
                        ("{\"sub\":\"u2\",\"exp\":" + T0.plusSeconds(600).getEpochSecond() + "}")
                                .getBytes(StandardCharsets.UTF_8))
                .toString();

        assertThat(tokens.verify(parts[0] + "." + payload + "." + parts[2])).isEmpty();
    }

    @Test
    void aTokenWithoutExpiryDoesNotVerify() throws Exception {
        String token = sign(
                JWSAlgorithm.HS256,
                SECRET,
                new JWTClaimsSet.Builder().subject("u1").build());

        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void aTokenWithoutSubjectDoesNotVerify() throws Exception {
        JWTClaimsSet noSub = new JWTClaimsSet.Builder()
                .expirationTime(Date.from(T0.plusSeconds(60)))
                .build();

        assertThat(tokens.verify(sign(JWSAlgorithm.HS256, SECRET, noSub))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "u 1", "u1\n", "u1\nkey", "{sale:1}", "ü", "u/1", "u1*"})
    void aTokenWithAnInvalidSubjectDoesNotVerify(String sub) throws Exception {
        // user ids end up inside Redis field names, so the signature alone is not enough
        assertThat(tokens.verify(sign(JWSAlgorithm.HS256, SECRET, claims(sub, T0.plusSeconds(60)))))
                .isEmpty();
    }

    @Test
    void aSubjectOf64CharactersVerifiesAnd65DoNot() throws Exception {
        String ok = "u".repeat(64);
        String tooLong = "u".repeat(65);

        assertThat(tokens.verify(sign(JWSAlgorithm.HS256, SECRET, claims(ok, T0.plusSeconds(60)))))
                .contains(ok);
        assertThat(tokens.verify(sign(JWSAlgorithm.HS256, SECRET, claims(tooLong, T0.plusSeconds(60)))))
                .isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "a.b.c", "...", "Bearer x", "eyJhbGciOiJIUzI1NiJ9..", "eyJ.eyJ.eyJ"})
    void garbageDoesNotVerify(String token) {
        assertThat(tokens.verify(token)).isEmpty();
    }

    private static JWTClaimsSet claims(String sub, Instant exp) {
        return new JWTClaimsSet.Builder()
                .subject(sub)
                .issueTime(Date.from(T0))
                .expirationTime(Date.from(exp))
                .build();
    }

    private static String sign(JWSAlgorithm alg, String secret, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
