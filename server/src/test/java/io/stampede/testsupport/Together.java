package io.stampede.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on virtual threads that all wait at one latch until every one of them has started, then are released at
 * the same instant; returns their results in the order of the tasks, or throws the first task's failure.
 */
public final class Together {
    private Together() {}

    public static <T> List<T> run(List<? extends Callable<? extends T>> tasks) throws Exception {
        CountDownLatch ready = new CountDownLatch(tasks.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<? extends T>> futures = new ArrayList<>(tasks.size());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Callable<? extends T> t : tasks) {
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return t.call();
                }));
            }
            assertThat(ready.await(60, TimeUnit.SECONDS))
                    .as("every task started")
                    .isTrue();
            go.countDown();
        }
        List<T> results = new ArrayList<>(tasks.size());
        for (Future<? extends T> f : futures) {
            results.add(f.get());
        }
        return results;
    }
}
