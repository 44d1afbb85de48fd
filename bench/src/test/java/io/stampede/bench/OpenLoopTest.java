package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives the open loop and the calibration against a stub service on loopback. */
class OpenLoopTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private HttpServer server;
    private boolean chunked;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A stub that answers every {@code rejectEvery}-th purchase 429, the rest 201, after {@code delayMillis}. */
    private Api stub(int rejectEvery, long delayMillis) throws IOException {
        AtomicInteger counter = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/sales/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = counter.incrementAndGet();
            boolean reject = n % rejectEvery == 0;
            byte[] body = (reject ? "{\"code\":\"RATE_LIMITED\"}" : "{\"orderId\":\"o" + n + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reject ? 429 : 201, chunked ? 0 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new Api(base, Duration.ofSeconds(5), Deadline.in(Duration.ofSeconds(60)));
    }

    private static Map<String, String> tokens(Plan plan) {
        return plan.users().stream().collect(Collectors.toMap(Function.identity(), u -> "t-" + u));
    }

    @Test
    void sendsEveryAttemptOnScheduleAndSortsTheAnswers() throws IOException {
        Api api = stub(4, 0);
        Plan plan = Plan.distinct("t", "o", 400);
        long start = System.nanoTime();
        OpenLoop.Result result = OpenLoop.run(
                api.base(), TIMEOUT, "s1", plan, tokens(plan), 200, 64, Deadline.in(Duration.ofSeconds(30)));
        double elapsed = (System.nanoTime() - start) / 1e9;

        assertFalse(result.cutShort());
        assertEquals(400, result.sent());
        assertEquals(Duration.ofSeconds(2), result.window());
        assertTrue(elapsed >= 1.9, "400 attempts at 200/s cannot finish in " + elapsed + " s");
        assertTrue(result.achievedRate() > 150 && result.achievedRate() < 201, "achieved " + result.achievedRate());
        assertEquals(300, result.successMicros().getTotalCount());
        assertEquals(100, result.rejectionMicros().getTotalCount());
        assertEquals(0, result.errorMicros().getTotalCount());
        assertEquals(2, result.successesPerSecond().length);
        assertEquals(300, Arrays.stream(result.successesPerSecond()).sum() + result.successesAfterWindow());
        assertEquals(300L, Report.breakdown(result.outcomes()).get("201"));
        assertEquals(100L, Report.breakdown(result.outcomes()).get("429"));
    }

    @Test
    void latencyCountsFromTheDueTimeNotFromTheSend() throws IOException {
        Api api = stub(1_000_000, 50);
        Plan plan = Plan.distinct("t", "o", 20);
        OpenLoop.Result result = OpenLoop.run(
                api.base(), TIMEOUT, "s1", plan, tokens(plan), 100, 64, Deadline.in(Duration.ofSeconds(30)));
        assertEquals(20, result.successMicros().getTotalCount());
        assertTrue(result.successMicros().getMinValue() >= 50_000, "a 50 ms answer measured below 50 ms");
    }

    @Test
    void aSpentDeadlineStopsSendingAndSaysSo() throws IOException {
        Api api = stub(1_000_000, 0);
        Plan plan = Plan.distinct("t", "o", 10_000);
        OpenLoop.Result result = OpenLoop.run(
                api.base(), TIMEOUT, "s1", plan, tokens(plan), 100, 64, Deadline.in(Duration.ofMillis(500)));
        assertTrue(result.cutShort());
        assertTrue(result.sent() < 200, "sent " + result.sent());
        assertEquals(10_000 - result.sent(), Report.breakdown(result.outcomes()).get("not sent"));
    }

    @Test
    void chunkedAnswersAreReadAndTheConnectionIsKept() throws IOException {
        chunked = true;
        Api api = stub(2, 0);
        Plan plan = Plan.distinct("t", "o", 40);
        OpenLoop.Result result = OpenLoop.run(
                api.base(), TIMEOUT, "s1", plan, tokens(plan), 400, 2, Deadline.in(Duration.ofSeconds(30)));
        assertEquals(20L, Report.breakdown(result.outcomes()).get("201"));
        assertEquals(20L, Report.breakdown(result.outcomes()).get("429"));
        assertTrue(result.outcomes().stream().filter(o -> o.status() == 201).allMatch(o -> o.orderId() != null));
        assertTrue(result.outcomes().stream()
                .filter(o -> o.status() == 429)
                .allMatch(o -> "RATE_LIMITED".equals(o.code())));
    }

    @Test
    void attemptsThatFindNoFreeConnectionWithinASecondAreDropped() throws IOException {
        Api api = stub(1_000_000, 600);
        Plan plan = Plan.distinct("t", "o", 100);
        OpenLoop.Result result = OpenLoop.run(
                api.base(), TIMEOUT, "s1", plan, tokens(plan), 200, 10, Deadline.in(Duration.ofSeconds(30)));
        // 200/s with answers after 600 ms would need about 120 connections; with 10, each sends about three
        // before the last attempt is a second overdue
        assertTrue(result.dropped() > 50, "dropped " + result.dropped());
        assertEquals(100, result.sent() + result.dropped());
        assertEquals(result.dropped(), Report.breakdown(result.outcomes()).get("not sent"));
        assertEquals(result.sent(), result.successMicros().getTotalCount());
        assertFalse(result.cutShort());
    }

    @Test
    void latencyFromTheSendLeavesOutTheTimeAnAttemptWaitedForAConnection() throws IOException {
        Api api = stub(1_000_000, 600);
        Plan plan = Plan.distinct("t", "o", 60);
        OpenLoop.Result result = OpenLoop.run(
                api.base(), TIMEOUT, "s1", plan, tokens(plan), 200, 10, Deadline.in(Duration.ofSeconds(30)));
        // 10 connections for answers that take 600 ms: attempts wait for a free connection, and only the due-time
        // figure shows that wait; the from-send figure is what the service took
        assertEquals(
                result.successMicros().getTotalCount(),
                result.successSentMicros().getTotalCount());
        assertTrue(result.successSentMicros().getMinValue() >= 600_000, "a 600 ms answer measured below 600 ms");
        assertTrue(
                result.successSentMicros().getMaxValue() < 1_000_000,
                "from the send: " + result.successSentMicros().getMaxValue() + " µs");
        assertTrue(
                result.successMicros().getMaxValue() > 1_000_000,
                "from the due time: " + result.successMicros().getMaxValue() + " µs");
        assertEquals(0, result.rejectionSentMicros().getTotalCount());
    }

    @Test
    void possibleHoldersLeaveOutDefinitiveRefusals() throws IOException {
        Api api = stub(2, 0);
        Plan plan = Plan.distinct("t", "o", 100);
        OpenLoop.Result result = OpenLoop.run(
                api.base(), TIMEOUT, "s1", plan, tokens(plan), 500, 64, Deadline.in(Duration.ofSeconds(30)));
        Burst.Result holders = OverloadDriver.possibleHolders(result);
        assertEquals(50, holders.plan().size());
        assertEquals(50, holders.plan().users().size());
        assertTrue(holders.outcomes().stream().allMatch(o -> o.status() == 201));
    }

    @Test
    void calibrationMeasuresSuccessesPerSecondInTheWindow() throws IOException {
        Api api = stub(1_000_000, 10);
        Plan pool = Plan.distinct("t", "c", 50);
        Calibration.Result result = Calibration.run(
                api,
                "s1",
                "k",
                pool.users(),
                tokens(pool),
                8,
                Duration.ofMillis(200),
                Duration.ofSeconds(1),
                1_000_000,
                Deadline.in(Duration.ofSeconds(30)));
        assertFalse(result.cutShort());
        // 8 workers, about 10 ms each: several hundred per second, never more than 800
        assertTrue(result.rate() > 100 && result.rate() <= 800, "S = " + result.rate());
        assertEquals(result.successes(), result.latencyMicros().getTotalCount());
    }

    @Test
    void calibrationStopsAtItsAttemptBound() throws IOException {
        Api api = stub(1_000_000, 0);
        Plan pool = Plan.distinct("t", "c", 5);
        Calibration.Result result = Calibration.run(
                api,
                "s1",
                "k",
                pool.users(),
                tokens(pool),
                4,
                Duration.ZERO,
                Duration.ofSeconds(10),
                30,
                Deadline.in(Duration.ofSeconds(30)));
        assertEquals(30, result.attempts());
        assertEquals(30, result.successes());
    }
}
