package io.stampede.shared.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.shared.SharedSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AdmissionTokensTest {
    private static final byte[] KEY = "a-secret-of-at-least-thirty-two-bytes!".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void aTokenIsValidForItsSaleAndShopperUntilItExpires() {
        SignedTokens signer = new SignedTokens(KEY, "stampede admission token");
        String token = signer.sign(
                "admit", "s1", "u1", Long.toString(NOW.plusSeconds(60).toEpochMilli()));
        assertThat(signer.verify(token))
                .hasValueSatisfying(f -> assertThat(f)
                        .containsExactly(
                                "admit",
                                "s1",
                                "u1",
                                Long.toString(NOW.plusSeconds(60).toEpochMilli())));
        assertThat(new SignedTokens(KEY, "another purpose").verify(token))
                .as("a token of one purpose never passes as another")
                .isEmpty();
        String signature = token.substring(token.indexOf('.') + 1);
        String forged = java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(("admit\ns1\nu2\n" + NOW.plusSeconds(60).toEpochMilli())
                                .getBytes(StandardCharsets.UTF_8))
                + "." + signature;
        assertThat(signer.verify(forged))
                .as("the fields cannot be changed under the signature")
                .isEmpty();
        assertThat(signer.verify("")).isEmpty();
        assertThat(signer.verify("!!.??")).isEmpty();
    }

    @Test
    void checksSaleShopperAndTime() {
        Secrets secrets = new Secrets(settingsWithKey());
        AdmissionTokens at = new AdmissionTokens(secrets, Clock.fixed(NOW, ZoneOffset.UTC));
        String token = at.issue("s1", "u1", NOW.plusSeconds(1));
        assertThat(at.check(token, "s1", "u1")).isEqualTo(AdmissionTokens.Check.VALID);
        assertThat(at.check(token, "s2", "u1")).isEqualTo(AdmissionTokens.Check.INVALID);
        assertThat(at.check(token, "s1", "u2")).isEqualTo(AdmissionTokens.Check.INVALID);
        assertThat(at.check(at.issue("s1", "u1", NOW), "s1", "u1")).isEqualTo(AdmissionTokens.Check.EXPIRED);
        assertThat(new AdmissionTokens(secrets, Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC))
                        .check(token, "s1", "u1"))
                .isEqualTo(AdmissionTokens.Check.EXPIRED);
    }

    private static SharedSettings settingsWithKey() {
        // every secret is configured, so nothing is written under the data directory
        return new SharedSettings(
                java.nio.file.Path.of("target", "no-such-dir"),
                "admin",
                new String(KEY, StandardCharsets.UTF_8),
                "pay",
                false,
                null,
                null);
    }
}
