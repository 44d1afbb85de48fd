package io.stampede.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link Waits#get} behaves as {@code CompletableFuture.get(timeout)}, on platform and virtual threads. */
class WaitsTest {
    @Test
    void answersAValueThatComesInTime() throws Exception {
        CompletableFuture<String> future = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            sleep(50);
            future.complete("done");
        });
        assertThat(Waits.get(future, Duration.ofSeconds(10))).isEqualTo("done");
        assertThat(Waits.get(CompletableFuture.completedFuture(7), Duration.ZERO))
                .isEqualTo(7);
    }

    /** The timeout ends the wait, not the future: its stages still run when it completes later. */
    @Test
    void aFutureNotDoneInTimeIsLeftAsItIs() throws Exception {
        CompletableFuture<String> future = new CompletableFuture<>();
        CompletableFuture<String> stage = future.thenApply(v -> v + " and settled");

        assertThatThrownBy(() -> Waits.get(stage, Duration.ofMillis(100))).isInstanceOf(TimeoutException.class);

        assertThat(stage).isNotDone();
        future.complete("written");
        assertThat(stage.get()).isEqualTo("written and settled");
    }

    @Test
    void aFailureIsTheFuturesOwnEvenATimeoutOfItsOwn() {
        CompletableFuture<String> failed = new CompletableFuture<>();
        IllegalStateException cause = new IllegalStateException("no database");
        failed.completeExceptionally(cause);
        assertThatThrownBy(() -> Waits.get(failed, Duration.ofSeconds(1)))
                .isInstanceOf(ExecutionException.class)
                .hasCause(cause);

        CompletableFuture<String> later = new CompletableFuture<>();
        TimeoutException its = new TimeoutException("the broker's");
        Thread.ofVirtual().start(() -> {
            sleep(50);
            later.completeExceptionally(its);
        });
        assertThatThrownBy(() -> Waits.get(later.thenApply(v -> v), Duration.ofSeconds(10)))
                .isInstanceOf(ExecutionException.class)
                .hasCause(its);
    }

    @Test
    void timesOutOnVirtualThreadsToo() throws Exception {
        Waiter waiter = Waiter.start(Duration.ofMillis(100));
        waiter.thread().join(Duration.ofSeconds(10));
        assertThat(waiter.thread().isAlive()).isFalse();
        assertThat(waiter.thrown().get()).isInstanceOf(TimeoutException.class).hasMessageContaining("PT0.1S");
    }

    @Test
    void anInterruptedWaiterIsToldSo() throws Exception {
        Waiter waiter = Waiter.start(Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.thread().getState() == Thread.State.WAITING);
        waiter.thread().interrupt();
        waiter.thread().join(Duration.ofSeconds(10));
        assertThat(waiter.thrown().get()).isInstanceOf(InterruptedException.class);
    }

    /** A virtual thread waiting on a future that never completes, and what its wait threw. */
    private record Waiter(Thread thread, AtomicReference<Throwable> thrown) {
        static Waiter start(Duration timeout) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread thread = Thread.ofVirtual().start(() -> {
                try {
                    Waits.get(new CompletableFuture<>(), timeout);
                } catch (Exception e) {
                    thrown.set(e);
                }
            });
            return new Waiter(thread, thrown);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
