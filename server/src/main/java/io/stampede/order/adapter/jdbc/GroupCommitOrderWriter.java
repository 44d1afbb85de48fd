package io.stampede.order.adapter.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.domain.Refusal;
import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.StockLedger;
import io.stampede.order.application.OrderEvents;
import io.stampede.order.application.OrderSettings;
import io.stampede.order.application.OrderWriter;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.shared.Failures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit: orders from concurrent winners are inserted together, one transaction per batch, so a burst of a
 * thousand winners costs a handful of commits. The same transaction fences each order by its gate's epoch, redeems
 * its coupon and takes its units in the stock ledger, within the sale's stock and the buyer's limit: the database
 * refuses what a wrong gate admitted, at the cost of a few statements per batch. The stock is taken by the batch's
 * last statement, so that the sale's stock row, which both writers need, is held only from there to the commit;
 * when it lacks units (only ever with a gate that lied), the batch is rolled back and written once more, taking the
 * orders' units in order and refusing what does not fit. A batch that fails on a constraint
 * (an idempotency key the gate had lost) is retried order by order, so one bad order cannot fail its neighbours.
 *
 * <p>The writer threads are supervised: whatever a batch throws, {@link Error}s included, fails that batch's orders
 * and the thread goes on; a thread that dies anyway is replaced.
 */
@Component
class GroupCommitOrderWriter implements OrderWriter, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitOrderWriter.class);

    private record Pending(Order order, long gateEpoch, CompletableFuture<WriteResult> done) {
        void complete(WriteResult result) {
            done.complete(result);
        }
    }

    private final OrderRepository orders;
    private final GateFences gateFences;
    private final Outbox outbox;
    private final CouponRedemptions coupons;
    private final StockLedger ledger;
    private final TransactionTemplate tx;
    private final int maxBatch;
    private final int writers;
    private final BlockingQueue<Pending> queue;
    private final DistributionSummary batchSizes;
    private final Timer commitLatency;
    private final Counter refusals;
    private final Counter writerFaults;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    GroupCommitOrderWriter(
            OrderRepository orders,
            GateFences gateFences,
            Outbox outbox,
            CouponRedemptions coupons,
            StockLedger ledger,
            TransactionTemplate tx,
            OrderSettings properties,
            MeterRegistry meters) {
        this.orders = orders;
        this.gateFences = gateFences;
        this.outbox = outbox;
        this.coupons = coupons;
        this.ledger = ledger;
        this.tx = tx;
        this.maxBatch = properties.groupCommit().maxBatch();
        this.writers = properties.groupCommit().writers();
        this.queue = new ArrayBlockingQueue<>(properties.groupCommit().queueCapacity());
        this.batchSizes = DistributionSummary.builder("stampede.orders.group.commit.batch")
                .description("orders committed per transaction")
                // a few buckets (powers of two up to the largest batch), so dashboards can show the median batch
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                .register(meters);
        this.commitLatency = Timer.builder("stampede.orders.group.commit.latency")
                .description("one batch's transaction, from its first statement to its commit or rollback")
                .publishPercentileHistogram()
                .register(meters);
        this.refusals = Counter.builder("stampede.orders.refused")
                .description("orders the database refused although the gate had admitted them")
                .register(meters);
        this.writerFaults = Counter.builder("stampede.orders.group.commit.faults")
                .description("order batches failed by an unexpected error in the writer")
                .register(meters);
    }

    @Override
    public CompletableFuture<WriteResult> write(Order order, long gateEpoch) {
        CompletableFuture<WriteResult> done = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(order, gateEpoch, done))) {
            done.complete(new WriteResult.Overloaded());
        }
        return done;
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        // keep draining after stop() so that every accepted order is written before the pool closes
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                flush(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable t) { // supervision: nothing a batch throws may stop the writer or strand its orders
                writerFaults.increment();
                log.error(
                        "Order writer failed a batch of {} on an unexpected {}: {}",
                        batch.size(),
                        t.getClass().getSimpleName(),
                        t.getMessage());
                batch.forEach(p -> p.complete(new WriteResult.Failed("the order writer failed: " + t)));
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes one batch and completes every one of its orders. */
    private void flush(List<Pending> batch) {
        AtomicBoolean committing = new AtomicBoolean(); // set once every statement ran: a failure after is the commit's
        Map<Pending, WriteResult> results = new HashMap<>();
        long started = System.nanoTime();
        try {
            // first as if the stock sufficed (its rows locked only at the end); if a sale lacks units, once more
            // taking them in order, refusing what does not fit
            boolean done = false;
            for (int pass = 0; pass < 2 && !done; pass++) {
                boolean precise = pass == 1;
                done = Boolean.TRUE.equals(tx.execute(status -> {
                    results.clear();
                    if (!write(batch, results, precise)) {
                        status.setRollbackOnly();
                        return false;
                    }
                    committing.set(true);
                    return true;
                }));
            }
        } catch (DataIntegrityViolationException e) {
            commitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (batch.size() > 1) {
                for (Pending p : batch) {
                    flush(new ArrayList<>(List.of(p)));
                }
                return;
            }
            // a single order: its idempotency key is taken (the gate had lost it), or the row is bad
            Pending only = batch.getFirst();
            only.complete(
                    e instanceof DuplicateKeyException
                            ? new WriteResult.DuplicateKey()
                            : new WriteResult.Failed(
                                    "the database refused the order: " + Failures.describe(e.getMostSpecificCause())));
            return;
        } catch (RuntimeException e) {
            commitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            boolean inDoubt = committing.get();
            log.warn(
                    "Order batch of {} failed{}: {}",
                    batch.size(),
                    inDoubt ? " at its commit" : "",
                    Failures.describe(e));
            WriteResult failure = inDoubt
                    ? new WriteResult.InDoubt(Failures.describe(e))
                    : new WriteResult.Failed(Failures.describe(e));
            batch.forEach(p -> p.complete(failure));
            return;
        }
        commitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        long written = results.values().stream()
                .filter(r -> r instanceof WriteResult.Committed)
                .count();
        batchSizes.record((double) written);
        for (Pending p : batch) {
            WriteResult result = Objects.requireNonNull(results.get(p), "every order of a batch has a result");
            if (result instanceof WriteResult.Refused r) {
                refusals.increment();
                log.warn(
                        "Order {} of sale {} refused by the database ({}): the sale's gate admitted it wrongly",
                        p.order().id(),
                        p.order().saleId(),
                        r.reason());
            }
            p.complete(result);
        }
    }

    /**
     * Inside the batch's transaction: fence, ledger, coupons, inserts, events; a result for every order. Unless
     * {@code precise}, the stock is taken last, all at once, and false (roll back, then once more precisely) when a
     * sale lacks units or a coupon was used meanwhile.
     */
    private boolean write(List<Pending> batch, Map<Pending, WriteResult> results, boolean precise) {
        // the fence: only orders reserved by the sale's current gate; the rows stay shared-locked until commit, so a
        // rebuild's epoch bump waits for this batch and then reads its orders
        Map<String, GateFences.Fence> fences =
                gateFences.lock(batch.stream().map(p -> p.order().saleId()).collect(Collectors.toSet()));
        List<Pending> fresh = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            GateFences.Fence fence = fences.get(p.order().saleId());
            if (fence == null || fence.gateEpoch() != p.gateEpoch()) {
                results.put(p, new WriteResult.StaleGate());
            } else {
                fresh.add(p);
            }
        }
        if (fresh.isEmpty()) {
            return true;
        }
        List<StockLedger.Claim> claims =
                fresh.stream().map(p -> claim(p.order())).toList();
        Map<String, Integer> limits = GateFences.Fence.limits(fences);
        Map<String, Refusal> refused = precise ? ledger.hold(claims, limits) : ledger.holdBuyers(claims, limits);
        List<Order> accepted = new ArrayList<>(fresh.size());
        List<StockLedger.Change> unused = new ArrayList<>();
        for (Pending p : fresh) {
            Order o = p.order();
            Refusal refusal = refused.get(o.id());
            if (refusal != null) {
                // refused, unless the key has its order already: then this is a replay the gate did not recognise
                results.put(
                        p,
                        orders.findByKey(o.saleId(), o.userId(), o.idempotencyKey())
                                        .isPresent()
                                ? new WriteResult.DuplicateKey()
                                : new WriteResult.Refused(refusal));
            } else if (o.couponId() != null && !coupons.redeem(o.couponId(), o.userId(), o.id(), o.createdAt())) {
                if (!precise) {
                    return false; // rare: sorted out by the precise pass, which can give the units back
                }
                // its coupon went to another order first: the units it took go back in this same transaction
                unused.add(new StockLedger.Change(
                        o.saleId(), o.userId(), o.id(), o.quantity(), StockLedger.Change.Kind.RETURN));
                results.put(p, new WriteResult.CouponUsed());
            } else {
                accepted.add(o);
                results.put(p, new WriteResult.Committed());
            }
        }
        if (!unused.isEmpty()) {
            ledger.apply(unused);
        }
        if (!accepted.isEmpty()) {
            orders.insertAll(accepted);
            outbox.append(accepted.stream()
                    .map(o -> OrderEvents.of(o, o.status(), o.createdAt(), null))
                    .toList());
        }
        // last: the stock rows every writer of these sales needs are held only from here to the commit
        return precise
                || ledger.takeAll(
                        accepted.stream().map(GroupCommitOrderWriter::claim).toList());
    }

    private static StockLedger.Claim claim(Order o) {
        return new StockLedger.Claim(o.id(), o.saleId(), o.userId(), o.quantity());
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < writers; i++) {
            startWriter(i);
        }
    }

    private void startWriter(int i) {
        // platform threads: few, long-lived, and JDBC drivers still pin virtual threads on Java 21
        Thread thread = Thread.ofPlatform()
                .name("order-writer-" + i)
                .daemon()
                .uncaughtExceptionHandler((t, e) -> {
                    log.error("Order writer {} died ({}); starting a new one", t.getName(), e.toString());
                    synchronized (threads) {
                        threads.remove(t);
                        if (running) {
                            startWriter(i);
                        }
                    }
                })
                .unstarted(this::loop);
        synchronized (threads) {
            threads.add(thread);
        }
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        List<Thread> stopping;
        synchronized (threads) {
            stopping = List.copyOf(threads);
        }
        for (Thread t : stopping) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (threads) {
            threads.clear();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server (which stops at the default phase's top) so in-flight purchases can finish. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4096;
    }
}
