package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TokensTest {

    @Test
    void mintsAVerifiableHs256Jwt() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        String jwt = Tokens.mintJwt(secret, "u\"1", Instant.ofEpochSecond(1_000));
        String[] parts = jwt.split("\\.", -1);
        assertEquals(3, parts.length);

        JsonNode header = Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("HS256", header.get("alg").stringValue());
        JsonNode claims = Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("u\"1", claims.get("sub").stringValue());
        assertEquals(4_600, claims.get("exp").longValue());

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, Base64.getUrlDecoder().decode(parts[2]));
    }
}
