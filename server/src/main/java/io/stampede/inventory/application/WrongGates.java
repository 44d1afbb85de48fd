package io.stampede.inventory.application;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Gates the database has contradicted: it refused units a gate admitted, or found an idempotency key the gate had
 * lost. Such a gate lost writes (a failover to a lagging replica, a restart from an old snapshot) and is rebuilt from
 * the database at once, fenced by a new epoch like every rebuild, instead of at the next scheduled reconciliation.
 * One rebuild runs per gate at a time: the refusals of a burst ask for one rebuild, not one each. The rebuild runs off
 * the caller's thread, since it waits for this instance's reservations in flight, the caller's among them.
 */
@Component
public class WrongGates implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(WrongGates.class);
    private static final int TRIES = 5;
    /** Rebuilds in a row for contradictions that keep coming while the gate is rebuilt; the next one starts afresh. */
    private static final int MAX_ROUNDS = 10;

    /** Gates with a rebuild asked for here, pending or running; true when asked again since it began. */
    private final ConcurrentHashMap<String, AtomicBoolean> rebuilding = new ConcurrentHashMap<>();

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("gate-repair-", 0).factory());
    private final SoldOutFlags soldOut;
    private final Counter contradictions;

    public WrongGates(SoldOutFlags soldOut, MeterRegistry meters) {
        this.soldOut = soldOut;
        this.contradictions = Counter.builder("stampede.gates.contradicted")
                .description("answers of the database that contradicted a gate in Redis (a refusal, a lost key)")
                .register(meters);
    }

    /**
     * The database contradicted this gate: rebuild it at once, or, while its rebuild runs already (which may have read
     * the database before this contradiction), once more right after it.
     */
    public void markWrong(String gateId, String why, BooleanSupplier rebuild) {
        contradictions.increment();
        schedule(gateId, why, rebuild);
    }

    private void schedule(String gateId, String why, BooleanSupplier rebuild) {
        AtomicBoolean again = new AtomicBoolean();
        AtomicBoolean running = rebuilding.putIfAbsent(gateId, again);
        if (running != null) {
            // a rebuild already runs; it may have read the database before this contradiction: one more after it
            running.set(true);
            return;
        }
        log.warn("Gate of {} contradicted by the database ({}); rebuilding it from the database", gateId, why);
        try {
            executor.execute(() -> rebuild(gateId, rebuild));
        } catch (RuntimeException e) { // shutting down
            rebuilding.remove(gateId);
        }
    }

    private void rebuild(String gateId, BooleanSupplier rebuild) {
        AtomicBoolean again = Objects.requireNonNull(rebuilding.get(gateId), "scheduled with its entry");
        int rounds = 0;
        try {
            do {
                again.set(false);
                rebuildWithRetries(gateId, rebuild);
            } while (again.get() && ++rounds < MAX_ROUNDS); // contradicted again while it ran: once more, afresh
        } finally {
            rebuilding.remove(gateId, again);
            if (again.get()) { // asked again between the last round and now
                schedule(gateId, "contradicted again during its rebuild", rebuild);
            }
        }
    }

    private void rebuildWithRetries(String gateId, BooleanSupplier rebuild) {
        for (int i = 0; i < TRIES; i++) {
            try {
                if (!rebuild.getAsBoolean()) {
                    log.debug("Gate of {} is being rebuilt by another rebuild; that serves as well", gateId);
                }
                soldOut.clear(gateId); // the rebuilt gate knows the truth; a flag raised on the lie must go
                return;
            } catch (RuntimeException e) {
                log.warn(
                        "Rebuild of the contradicted gate of {} failed (try {} of {}): {}",
                        gateId,
                        i + 1,
                        TRIES,
                        e.getMessage());
                try {
                    Thread.sleep(Duration.ofMillis(200L << i));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        log.error(
                "Gate of {} still contradicted after {} rebuild attempts; scheduled reconciliation will retry",
                gateId,
                TRIES);
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
