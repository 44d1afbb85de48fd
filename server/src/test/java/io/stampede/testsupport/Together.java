package io.stampede.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs tasks on virtual threads released at the same instant by one latch; returns their results in order. */
public final class Together {
    private Together() {
    }

    public static List<Object> run(List<Callable<Object>> tasks) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Callable<Object> t : tasks) {
                futures.add(threads.submit(() -> {
                    go.await();
                    return t.call();
                }));
            }
            go.countDown();
        }
        List<Object> results = new ArrayList<>();
        for (Future<Object> f : futures) {
            results.add(f.get());
        }
        return results;
    }
}
