package io.stampede.shared.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.live.AttemptCounts;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ProblemWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
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
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        release.countDown();
        threads.close();
    }

    private AdmissionFilter filter(Duration queueTimeout) {
        SharedSettings properties = new SharedSettings(
                null,
                "admin",
                null,
                "pay",
                false,
                null,
                new SharedSettings.Admission(1_000, 1_000, 1, 1, queueTimeout, 100));
        return new AdmissionFilter(
                properties,
                new ProblemWriter(JsonMapper.builder().build()),
                new SimpleMeterRegistry(),
                new AttemptCounts(Clock.systemUTC()));
    }

    private MockHttpServletResponse send(AdmissionFilter filter, String user) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/sales/s-1/purchases");
        request.setAttribute(Shopper.class.getName(), user);
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
        CompletableFuture<MockHttpServletResponse> first =
                CompletableFuture.supplyAsync(() -> send(filter, "a"), threads);
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<MockHttpServletResponse> waiter =
                CompletableFuture.supplyAsync(() -> send(filter, "b"), threads);
        // the waiter is queued (or already timed out); either way the queue of one is not free for this one
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> queued(filter) == 1 || waiter.isDone());

        MockHttpServletResponse turnedAway = waiter.isDone() ? null : send(filter, "c");
        MockHttpServletResponse waited = waiter.get(5, TimeUnit.SECONDS);
        release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(waited.getStatus()).as("the waiter outlived its timeout").isEqualTo(429);
        assertThat(waited.getHeader("Retry-After")).isNotNull();
        if (turnedAway != null) {
            assertThat(turnedAway.getStatus())
                    .as("queue full: turned away at once")
                    .isEqualTo(429);
            assertThat(turnedAway.getContentAsString()).contains("RATE_LIMITED");
        }
        assertThat(served.get())
                .as("only the admitted attempt reached the service")
                .isEqualTo(1);
    }

    @Test
    void aWaiterIsAdmittedWhenTheAttemptInProgressFinishesInTime() throws Exception {
        AdmissionFilter filter = filter(Duration.ofSeconds(10));
        CompletableFuture<MockHttpServletResponse> first =
                CompletableFuture.supplyAsync(() -> send(filter, "a"), threads);
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<MockHttpServletResponse> waiter =
                CompletableFuture.supplyAsync(() -> send(filter, "b"), threads);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> queued(filter) == 1);

        release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(waiter.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(served.get()).isEqualTo(2);
    }

    private static int queued(AdmissionFilter filter) {
        return filter.queuedNow();
    }
}
