package io.stampede.order.adapter.jdbc;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.event.port.Outbox;
import io.stampede.order.application.OrderEvents;
import io.stampede.order.application.OrderWriter;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.port.SaleRepository;
import java.util.Map;
import io.stampede.shared.StampedeProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit: orders from concurrent winners are inserted together, one transaction per batch, so a burst
 * of a thousand winners costs a handful of commits. A batch that fails on a constraint is retried order by
 * order so one bad order cannot fail its neighbours.
 */
@Component
class GroupCommitOrderWriter implements OrderWriter, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitOrderWriter.class);

    private record Pending(Order order, long gateEpoch, CompletableFuture<Void> done) {
    }

    private final OrderRepository orders;
    private final SaleRepository sales;
    private final Outbox outbox;
    private final CouponRedemptions coupons;
    private final TransactionTemplate tx;
    private final int maxBatch;
    private final int writers;
    private final BlockingQueue<Pending> queue;
    private final DistributionSummary batchSizes;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    GroupCommitOrderWriter(OrderRepository orders, SaleRepository sales, Outbox outbox, CouponRedemptions coupons,
                           TransactionTemplate tx, StampedeProperties properties, MeterRegistry meters) {
        this.orders = orders;
        this.sales = sales;
        this.outbox = outbox;
        this.coupons = coupons;
        this.tx = tx;
        this.maxBatch = properties.groupCommit().maxBatch();
        this.writers = properties.groupCommit().writers();
        this.queue = new ArrayBlockingQueue<>(properties.groupCommit().queueCapacity());
        this.batchSizes = DistributionSummary.builder("stampede.orders.group.commit.batch")
                .description("orders committed per transaction").register(meters);
    }

    @Override
    public CompletableFuture<Void> write(Order order, long gateEpoch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(order, gateEpoch, done))) {
            done.completeExceptionally(new Overloaded());
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
            } finally {
                batch.clear();
            }
        }
    }

    private void flush(List<Pending> batch) {
        AtomicBoolean committing = new AtomicBoolean(); // set once every statement ran: a failure after is the commit's
        try {
            List<Pending> stale = new ArrayList<>();
            List<Order> written = tx.execute(status -> {
                // the fence: only orders reserved by the sale's current gate; the rows stay shared-locked until
                // commit, so a rebuild's epoch bump waits for this batch and then reads its orders
                Map<String, Long> epochs = sales.lockGateEpochs(batch.stream().map(p -> p.order().saleId())
                        .collect(java.util.stream.Collectors.toSet()));
                List<Order> fresh = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    if (epochs.getOrDefault(p.order().saleId(), -1L) == p.gateEpoch()) {
                        fresh.add(p.order());
                    } else {
                        stale.add(p);
                    }
                }
                if (fresh.isEmpty()) {
                    return fresh;
                }
                orders.insertAll(fresh);
                for (Order o : fresh) {
                    if (o.couponId() != null) {
                        // used once: a coupon redeemed meanwhile fails this batch, which is then retried order by order
                        coupons.redeem(o.couponId(), o.userId(), o.id(), o.createdAt());
                    }
                }
                outbox.append(fresh.stream().map(o -> OrderEvents.of(o, o.status(), o.createdAt(), null)).toList());
                committing.set(true);
                return fresh;
            });
            batchSizes.record(written == null ? 0 : written.size());
            for (Pending p : batch) {
                if (stale.contains(p)) {
                    p.done().completeExceptionally(new StaleGate());
                } else {
                    p.done().complete(null);
                }
            }
        } catch (DataIntegrityViolationException e) {
            if (batch.size() == 1) {
                batch.getFirst().done().completeExceptionally(e);
            } else {
                for (Pending p : batch) {
                    flush(new ArrayList<>(List.of(p)));
                }
            }
        } catch (RuntimeException e) {
            boolean inDoubt = committing.get();
            log.warn("Order batch of {} failed{}: {}", batch.size(), inDoubt ? " at its commit" : "", e.getMessage());
            RuntimeException failure = inDoubt ? new InDoubt(e) : e;
            batch.forEach(p -> p.done().completeExceptionally(failure));
        }
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < writers; i++) {
            // platform threads: few, long-lived, and JDBC drivers still pin virtual threads on Java 21
            threads.add(Thread.ofPlatform().name("order-writer-" + i).daemon().start(this::loop));
        }
    }

    @Override
    public void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
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
