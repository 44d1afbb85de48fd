package io.stampede.shared.web;

import io.stampede.shared.security.ShopperTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Before an instance reports ready, sends purchases of a sale that does not exist through its own HTTP port: the
 * connector, every filter, the token check, MVC, reading the body, the sale lookup and the problem answer are then
 * compiled by the JIT before the first shopper arrives, instead of in the first seconds of a sale (a fresh instance,
 * such as one an autoscaler adds in the middle of a sale, otherwise sells at a fraction of its speed at first). Each
 * request comes from a shopper of its own ({@code warm-up-<n>}), so no per-user limit refuses them; nothing is
 * bought, and no sale, gate or order is touched.
 */
@Component
public class RequestPathWarmUp {
    private static final Logger log = LoggerFactory.getLogger(RequestPathWarmUp.class);
    private static final int IN_FLIGHT = 16;
    /** The sale every warm-up purchase names; no sale has this id (ids are UUIDs). */
    static final String NO_SALE = "warm-up";

    private final ShopperTokens tokens;
    private final int requests;
    private final Duration maxDuration;

    public RequestPathWarmUp(
            ShopperTokens tokens,
            @Value("${stampede.warm-up.requests:20000}") int requests,
            @Value("${stampede.warm-up.max-duration:10s}") Duration maxDuration) {
        this.tokens = tokens;
        this.requests = requests;
        this.maxDuration = maxDuration;
    }

    /** What the warm-up did: requests answered, and how many of them as expected (404). */
    public record Result(long answered, long expected, Duration took) {}

    /** Sends the warm-up requests to {@code port} on loopback; returns null when turned off or without a port. */
    public @Nullable Result run(int port) {
        if (requests <= 0 || port <= 0) {
            return null;
        }
        long start = System.nanoTime();
        long deadline = start + maxDuration.toNanos();
        AtomicLong next = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong expected = new AtomicLong();
        URI purchase = URI.create("http://127.0.0.1:" + port + "/api/sales/" + NO_SALE + "/purchases");
        try (HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int w = 0; w < IN_FLIGHT; w++) {
                all.add(workers.submit(() -> {
                    for (long n = next.getAndIncrement(); n < requests; n = next.getAndIncrement()) {
                        if (System.nanoTime() - deadline > 0) {
                            return null;
                        }
                        HttpRequest request = HttpRequest.newBuilder(purchase)
                                .timeout(Duration.ofSeconds(5))
                                .header("Authorization", "Bearer " + token(n))
                                .header("Idempotency-Key", "warm-up-" + n)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"))
                                .build();
                        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                        answered.incrementAndGet();
                        if (response.statusCode() == 404) {
                            expected.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) { // an instance that cannot reach itself starts cold, but starts
            log.warn("Warm-up stopped after {} requests: {}", answered.get(), String.valueOf(e.getCause()));
        }
        Result result = new Result(answered.get(), expected.get(), Duration.ofNanos(System.nanoTime() - start));
        log.info(String.format(
                Locale.ROOT,
                "Warmed up the purchase path with %,d requests in %.1f s before reporting ready"
                        + " (stampede.warm-up.requests=0 turns this off)",
                result.answered(),
                result.took().toNanos() / 1e9));
        return result;
    }

    private String token(long n) {
        return tokens.issue("warm-up-" + n, Duration.ofMinutes(1)).token();
    }
}
