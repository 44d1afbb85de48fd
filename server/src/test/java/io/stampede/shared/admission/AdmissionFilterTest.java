package io.stampede.shared.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stampede.shared.StampedeProperties;
import io.stampede.shared.web.ProblemWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bounded queue in front of the attempts in progress: one runs, one waits, the next is turned away at once, and
 * the waiter that outlives its timeout is turned away too: overload becomes 429s, not an ever longer queue.
 */
class AdmissionFilterTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicInteger served = new AtomicInteger();
    // not the common pool: on two cores it has one thread, which the attempt in progress would hold
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors
            .newVirtualThreadPerTaskExecutor();

    @org.junit.jupiter.api.AfterEach
    void stop() {
        release.countDown();
        threads.close();
    }

    private AdmissionFilter filter(Duration queueTimeout) {
        return filter(1_000, queueTimeout);
    }

    private AdmissionFilter filter(int globalPerSecond, Duration queueTimeout) {
        StampedeProperties properties = new StampedeProperties(null, "admin", null, "pay", false, false, null, null,
                new StampedeProperties.Admission(1_000, globalPerSecond, 1, 1, queueTimeout, 100));
        return new AdmissionFilter(properties, new ProblemWriter(JsonMapper.builder().build()),
                new SimpleMeterRegistry());
    }

    private MockHttpServletResponse send(AdmissionFilter filter, String user) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/sales/s-1/purchases");
        request.setAttribute(io.stampede.shared.security.Shopper.class.getName(), user);
        MockHttpServletResponse response = new MockHttpServletResponse();
        try {
            filter.doFilter(request, response, (req, res) -> {
                served.incrementAndGet();
                running.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // the one in progress holds its place until let go
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return response;
    }

    @Test
    void aFullQueueTurnsAttemptsAwayAtOnceAndAWaiterGivesUpAfterItsTimeout() throws Exception {
        AdmissionFilter filter = filter(Duration.ofMillis(300));
        CompletableFuture<MockHttpServletResponse> first = CompletableFuture.supplyAsync(() -> send(filter, "a"), threads);
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<MockHttpServletResponse> waiter = CompletableFuture.supplyAsync(() -> send(filter, "b"), threads);
        // the waiter is queued (or already timed out); either way the queue of one is not free for this one
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> queued(filter) == 1
                || waiter.isDone());

        MockHttpServletResponse turnedAway = waiter.isDone() ? null : send(filter, "c");
        MockHttpServletResponse waited = waiter.get(5, TimeUnit.SECONDS);
        release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(waited.getStatus()).as("the waiter outlived its timeout").isEqualTo(429);
        assertThat(waited.getHeader("Retry-After")).isNotNull();
        if (turnedAway != null) {
            assertThat(turnedAway.getStatus()).as("queue full: turned away at once").isEqualTo(429);
            assertThat(turnedAway.getContentAsString()).contains("RATE_LIMITED");
        }
        assertThat(served.get()).as("only the admitted attempt reached the service").isEqualTo(1);
    }

    @Test
    void aWaiterIsAdmittedWhenTheAttemptInProgressFinishesInTime() throws Exception {
        AdmissionFilter filter = filter(Duration.ofSeconds(10));
        CompletableFuture<MockHttpServletResponse> first = CompletableFuture.supplyAsync(() -> send(filter, "a"), threads);
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<MockHttpServletResponse> waiter = CompletableFuture.supplyAsync(() -> send(filter, "b"), threads);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> queued(filter) == 1);

        release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(waiter.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(served.get()).isEqualTo(2);
    }

    @Test
    void theInstanceRateTurnsAttemptsAwayBeforeAnyoneIsAuthenticated() throws Exception {
        AdmissionFilter filter = filter(2, Duration.ofSeconds(1));
        release.countDown(); // admitted attempts finish at once
        java.util.List<Integer> statuses = new java.util.ArrayList<>();
        MockHttpServletResponse last = null;
        for (int i = 0; i < 3; i++) {
            // no verified user on the request: admission comes first, so that a rejection costs no token check
            MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/sales/s-1/purchases");
            last = new MockHttpServletResponse();
            filter.doFilter(request, last, (req, res) -> served.incrementAndGet());
            statuses.add(last.getStatus());
        }

        assertThat(statuses).containsExactly(200, 200, 429);
        assertThat(last.getHeader("Retry-After")).isEqualTo("1");
        assertThat(last.getContentAsString()).contains("RATE_LIMITED");
        assertThat(served.get()).isEqualTo(2);
    }

    @Test
    void onlyPurchasesAndClaimsAreAdmitted() throws Exception {
        AdmissionFilter filter = filter(1, Duration.ofSeconds(1));
        release.countDown();
        for (String[] call : new String[][] {{"GET", "/api/sales/s-1"}, {"POST", "/api/admin/sales"},
                {"GET", "/api/sales/s-1/purchases"}, {"POST", "/api/payments/callback"}}) {
            MockHttpServletResponse response = new MockHttpServletResponse();
            filter.doFilter(new MockHttpServletRequest(call[0], call[1]), response, (req, res) -> served.incrementAndGet());
            assertThat(response.getStatus()).as(call[0] + " " + call[1]).isEqualTo(200);
        }
        MockHttpServletResponse claim = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("POST", "/api/coupon-campaigns/c-1/claims"), claim, (q, r) -> { });
        MockHttpServletResponse purchase = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("POST", "/api/sales/s-1/purchases"), purchase, (q, r) -> { });
        assertThat(claim.getStatus()).isEqualTo(200);
        assertThat(purchase.getStatus()).as("the one token went to the claim").isEqualTo(429);
    }

    private static int queued(AdmissionFilter filter) {
        return filter.queuedNow();
    }
}
