package io.stampede.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Shopper bearer tokens: minted locally as HS256 JWTs, or fetched from the demo login. */
public final class Tokens {

    private Tokens() {}

    /** Mints an HS256 JWT with {@code sub} = user id, {@code iat} = now and {@code exp} = now + 1h. */
    public static String mintJwt(byte[] secret, String userId, Instant now) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", userId);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
        String payload = b64.encodeToString(Api.JSON.writeValueAsBytes(claims));
        String signingInput = header + "." + payload;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "."
                    + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /**
     * One token per user, all obtained before the timed phase so that login cost never shows up
     * in the purchase latencies. Any failure is a setup error: a burst with missing tokens would
     * only measure 401s.
     */
    public static Map<String, String> obtain(
            Api api, List<String> users, String jwtSecret, int concurrency, Deadline deadline) {
        Map<String, String> tokens = new ConcurrentHashMap<>();
        if (jwtSecret != null) {
            byte[] secret = jwtSecret.getBytes(StandardCharsets.UTF_8);
            Instant now = Instant.now();
            for (String user : users) {
                tokens.put(user, mintJwt(secret, user, now));
            }
            return tokens;
        }
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> futures = users.stream()
                    .map(user -> executor.<Object>submit(() -> {
                        permits.acquire();
                        try {
                            Api.Reply reply = api.post("/api/session", null, Map.of("userId", user), Map.of());
                            if (reply.status() == 404) {
                                throw new SetupException("demo login is off (POST /api/session answered 404);"
                                        + " pass --jwt-secret with the service's STAMPEDE_JWT_SECRET");
                            }
                            String token = Api.text(reply.body(), "token");
                            if (reply.status() != 200 || token == null) {
                                throw new SetupException("demo login for " + user + " failed: " + reply.describe());
                            }
                            tokens.put(user, token);
                            return null;
                        } finally {
                            permits.release();
                        }
                    }))
                    .toList();
            for (Future<Object> future : futures) {
                long left = deadline.remaining().toNanos();
                try {
                    future.get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    executor.shutdownNow();
                    throw new SetupException("time budget spent while logging in " + users.size() + " shoppers");
                } catch (ExecutionException e) {
                    executor.shutdownNow();
                    Throwable cause = e.getCause();
                    if (cause instanceof SetupException setup) {
                        throw setup;
                    }
                    if (cause instanceof IOException io) {
                        throw new SetupException("demo login failed: " + io, io);
                    }
                    throw new SetupException("demo login failed: " + cause, cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    executor.shutdownNow();
                    throw new SetupException("interrupted while logging in shoppers", e);
                }
            }
        }
        return tokens;
    }
}
