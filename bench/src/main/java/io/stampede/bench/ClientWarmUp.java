package io.stampede.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Warms the bench's own client before the server under test starts. The driver shares the machine's cores with the
 * server: a cold driver (its HTTP client, Jackson, the token minting and the loop interpreted, then compiled by its
 * JIT) would take CPU from the server in exactly the seconds that measure a fresh server, and so charge the server for
 * the driver's own start. The same purchase requests as a measurement's go to a stub on loopback in this process that
 * answers each with an order, so that the driver's code path is the one a measurement runs; then the stub stops, and
 * nothing of it reaches the server.
 */
final class ClientWarmUp {
    private static final Map<String, Object> BODY = Map.of("quantity", 1);
    private static final byte[] ORDER =
            "{\"orderId\":\"warm-up\",\"status\":\"PENDING_PAYMENT\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);

    private ClientWarmUp() {}

    /** Runs the driver's purchase loop at {@code concurrency} against a stub for {@code time}; returns the answers. */
    static long run(Duration time, int concurrency, PrintStream out) {
        if (time.isZero() || time.isNegative()) {
            return 0;
        }
        HttpServer stub;
        try {
            stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1_000);
        } catch (IOException e) {
            out.println("note: no stub for the driver's warm-up (" + e + "); the driver starts cold");
            return 0;
        }
        try (ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor()) {
            stub.setExecutor(handlers);
            stub.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody();
                        OutputStream body = exchange.getResponseBody()) {
                    in.readAllBytes();
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(201, ORDER.length);
                    body.write(ORDER);
                }
            });
            stub.start();
            try {
                URI base = URI.create("http://127.0.0.1:" + stub.getAddress().getPort());
                Api api = new Api(base, Duration.ofSeconds(10), Deadline.in(time.plusSeconds(30)));
                byte[] secret = "client-warm-up-secret-of-32-bytes!".getBytes(StandardCharsets.UTF_8);
                Instant minted = Instant.now();
                long started = System.nanoTime();
                TimedLoop.Result r = TimedLoop.run(
                        concurrency,
                        Duration.ZERO,
                        time,
                        Long.MAX_VALUE,
                        status -> status == 201,
                        index -> Burst.purchase(
                                api,
                                "/api/sales/warm-up/purchases",
                                BODY,
                                Tokens.mintJwt(secret, "warm-up-" + index, minted),
                                "warm-up-" + index),
                        Deadline.in(time.plusSeconds(30)));
                out.println(String.format(
                        Locale.ROOT,
                        "driver warm  %,d requests to a stub in %.1f s, so the driver is not cold in the first window"
                                + " (--client-warm-up-seconds 0 turns this off)",
                        r.successes(),
                        (System.nanoTime() - started) / 1e9));
                return r.successes();
            } finally {
                stub.stop(0);
            }
        }
    }
}
