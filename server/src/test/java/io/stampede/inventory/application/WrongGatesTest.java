package io.stampede.inventory.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A contradicted gate is rebuilt once for a burst of contradictions, and once more for a contradiction that arrives
 * while its rebuild runs (that rebuild may have read the database before it).
 */
class WrongGatesTest {
    private final WrongGates wrongGates = new WrongGates(mock(SoldOutFlags.class), new SimpleMeterRegistry());

    @AfterEach
    void stop() {
        wrongGates.destroy();
    }

    @Test
    void contradictionsWhileARebuildRunsAskForOneMoreAfterIt() throws Exception {
        AtomicInteger rebuilds = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        BooleanSupplier rebuild = () -> {
            if (rebuilds.incrementAndGet() == 1) {
                running.countDown();
                try {
                    finish.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        };

        wrongGates.markWrong("s-1", "refused", rebuild);
        running.await();
        for (int i = 0; i < 50; i++) {
            wrongGates.markWrong("s-1", "refused again", rebuild); // during the first rebuild
        }
        finish.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> rebuilds.get() == 2);
        Thread.sleep(200);
        assertThat(rebuilds).as("one more, not fifty").hasValue(2);
    }
}
