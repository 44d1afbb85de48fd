package io.stampede.order.application;

import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.QueuedReservations;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.port.SaleRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The consumer side of intake QUEUED, whatever the broker: writes a batch of order requests in one transaction,
 * idempotently (an order already written is a no-op), as PENDING_PAYMENT with its {@code order.placed} event, and
 * says per request whether the broker may forget it.
 *
 * <p>The epoch fence, for orders: an order is written when the gate that reserved it is still the sale's gate, or
 * when its record still sits beside the gate (a rebuild counts recorded orders, so its units are held either way),
 * both checked with the sale row held FOR SHARE. Otherwise (Redis lost the record) it is re-admitted through the
 * current gate with the same id and key: a reservation or the same order brings its record back and it is written;
 * a gate that has no unit left for it any more means the accepted order cannot be honoured, and it is written
 * CANCELLED so that its owner sees it. Nothing is ever written that the gate does not count.
 */
@Service
public class QueuedOrderWriter {
    private static final Logger log = LoggerFactory.getLogger(QueuedOrderWriter.class);
    private static final int ROUNDS = 3;

    /** What the broker does with one request. */
    public enum Verdict {
        /** Written (or settled for good): acknowledge it. */
        DONE,
        /** Not written now (database down, gate being rebuilt): keep it and retry later. */
        RETRY,
        /** Can never be written: send it to the dead letters. */
        DEAD
    }

    private final OrderRepository orders;
    private final SaleRepository sales;
    private final Outbox outbox;
    private final QueuedReservations gate;
    private final GateRebuilder rebuilder;
    private final QueuedOrderCodec codec;
    private final TransactionTemplate tx;
    private final Clock clock;

    public QueuedOrderWriter(OrderRepository orders, SaleRepository sales, Outbox outbox, QueuedReservations gate,
                             GateRebuilder rebuilder, QueuedOrderCodec codec, TransactionTemplate tx, Clock clock) {
        this.orders = orders;
        this.sales = sales;
        this.outbox = outbox;
        this.gate = gate;
        this.rebuilder = rebuilder;
        this.codec = codec;
        this.tx = tx;
        this.clock = clock;
    }

    /** Writes what it can of the batch; the answer has a verdict for every order id of the batch. */
    public Map<String, Verdict> write(List<QueuedOrder> batch) {
        Map<String, QueuedOrder> todo = new LinkedHashMap<>();
        batch.forEach(o -> todo.putIfAbsent(o.id(), o)); // a copy delivered twice in one batch is one order
        Map<String, Verdict> verdicts = new HashMap<>();
        Map<String, QueuedOrder> cancel = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS && !(todo.isEmpty() && cancel.isEmpty()); round++) {
            Attempt attempt;
            try {
                attempt = inOneTransaction(List.copyOf(todo.values()), List.copyOf(cancel.values()));
            } catch (DataIntegrityViolationException e) {
                if (todo.size() + cancel.size() > 1) {
                    // one bad order must not hold up the others: settle them one by one
                    for (QueuedOrder o : todo.values()) {
                        verdicts.putAll(write(List.of(o)));
                    }
                    cancel.values().forEach(o -> verdicts.put(o.id(), writeCancelledAlone(o)));
                    return verdicts;
                }
                QueuedOrder only = todo.isEmpty() ? cancel.values().iterator().next() : todo.values().iterator().next();
                verdicts.put(only.id(), settleConflict(only, e));
                return verdicts;
            } catch (RuntimeException e) {
                // the database is down or failing: nothing of this batch is written, keep every request
                log.debug("Queued batch of {} not written: {}", todo.size() + cancel.size(), e.getMessage());
                todo.keySet().forEach(id -> verdicts.put(id, Verdict.RETRY));
                cancel.keySet().forEach(id -> verdicts.put(id, Verdict.RETRY));
                return verdicts;
            }
            forget(attempt.settled());
            attempt.settled().forEach(o -> verdicts.put(o.id(), Verdict.DONE));
            attempt.unknownSale().forEach(o -> {
                log.error("Queued order {} names sale {}, which does not exist; dead-lettered", o.id(), o.saleId());
                verdicts.put(o.id(), Verdict.DEAD);
            });
            todo.clear();
            cancel.clear();
            for (QueuedOrder o : attempt.unaccounted()) {
                switch (readmit(o)) {
                    case WRITE -> todo.put(o.id(), o);
                    case CANCEL -> cancel.put(o.id(), o);
                    case DROP -> verdicts.put(o.id(), Verdict.DONE);
                    case RETRY -> verdicts.put(o.id(), Verdict.RETRY);
                }
            }
        }
        todo.keySet().forEach(id -> verdicts.putIfAbsent(id, Verdict.RETRY));
        cancel.keySet().forEach(id -> verdicts.putIfAbsent(id, Verdict.RETRY));
        return verdicts;
    }

    /** One transaction's outcome: orders settled (written now or before), and those the gate no longer counts. */
    private record Attempt(List<QueuedOrder> settled, List<QueuedOrder> unaccounted, List<QueuedOrder> unknownSale) {
    }

    private Attempt inOneTransaction(List<QueuedOrder> batch, List<QueuedOrder> cancelled) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return tx.execute(status -> {
            List<QueuedOrder> all = new ArrayList<>(batch);
            all.addAll(cancelled);
            Set<String> written = orders.existingIds(all.stream().map(QueuedOrder::id).toList());
            // the fence: the sale rows stay shared-locked until commit, so a rebuild's epoch bump waits for us
            Map<String, Long> epochs = sales.lockGateEpochs(all.stream().map(QueuedOrder::saleId)
                    .collect(Collectors.toSet()));
            List<QueuedOrder> settled = new ArrayList<>();
            List<QueuedOrder> unaccounted = new ArrayList<>();
            List<QueuedOrder> unknownSale = new ArrayList<>();
            List<Order> fresh = new ArrayList<>();
            Map<String, List<QueuedOrder>> staleBySale = new HashMap<>();
            for (QueuedOrder o : batch) {
                Long epoch = epochs.get(o.saleId());
                if (epoch == null) {
                    unknownSale.add(o);
                } else if (written.contains(o.id())) {
                    settled.add(o);
                } else if (epoch == o.gateEpoch()) {
                    fresh.add(o.written(OrderStatus.PENDING_PAYMENT, now));
                    settled.add(o);
                } else {
                    staleBySale.computeIfAbsent(o.saleId(), k -> new ArrayList<>()).add(o);
                }
            }
            for (Map.Entry<String, List<QueuedOrder>> e : staleBySale.entrySet()) {
                Set<String> recorded = gate.present(e.getKey(), e.getValue().stream().map(QueuedOrder::id).toList());
                for (QueuedOrder o : e.getValue()) {
                    if (recorded.contains(o.id())) {
                        fresh.add(o.written(OrderStatus.PENDING_PAYMENT, now));
                        settled.add(o);
                    } else {
                        unaccounted.add(o);
                    }
                }
            }
            List<Order> dead = new ArrayList<>();
            for (QueuedOrder o : cancelled) {
                if (!written.contains(o.id())) {
                    dead.add(o.written(OrderStatus.CANCELLED, now));
                }
                settled.add(o);
            }
            List<Order> all2 = new ArrayList<>(fresh);
            all2.addAll(dead);
            if (!all2.isEmpty()) {
                orders.insertAll(all2);
                outbox.append(all2.stream().map(o -> OrderEvents.of(o, o.status(), now, null)).toList());
            }
            return new Attempt(settled, unaccounted, unknownSale);
        });
    }

    private enum Readmission {
        WRITE, CANCEL, DROP, RETRY
    }

    /** Takes an order the gate does not count through the current gate again, with its own id and key. */
    private Readmission readmit(QueuedOrder o) {
        try {
            Reservation r = gate.reserve(o.saleId(), o.userId(), o.idempotencyKey(), o.quantity(), o.id(),
                    o.createdAt(), codec.write(o), true);
            return switch (r) {
                case Reservation.Reserved granted -> Readmission.WRITE;
                case Reservation.Duplicate d when d.orderId().equals(o.id()) -> Readmission.WRITE;
                case Reservation.Duplicate d -> {
                    log.warn("Queued order {} dropped: its key already belongs to order {}", o.id(), d.orderId());
                    yield Readmission.DROP;
                }
                case Reservation.SoldOut s -> cannotHonour(o, "sold out");
                case Reservation.LimitExceeded l -> cannotHonour(o, "per-user limit reached");
                case Reservation.NotActive n -> cannotHonour(o, "sale window closed");
                case Reservation.GateMissing m -> {
                    sales.find(o.saleId()).ifPresent(rebuilder::ensureBuilt);
                    yield Readmission.RETRY;
                }
            };
        } catch (RuntimeException e) {
            log.warn("Queued order {} could not be re-admitted yet: {}", o.id(), e.getMessage());
            return Readmission.RETRY;
        }
    }

    private Readmission cannotHonour(QueuedOrder o, String why) {
        log.error("Accepted order {} of sale {} cannot be honoured after its gate record was lost ({}); "
                + "written CANCELLED", o.id(), o.saleId(), why);
        return Readmission.CANCEL;
    }

    private Verdict writeCancelledAlone(QueuedOrder o) {
        try {
            inOneTransaction(List.of(), List.of(o));
            forget(List.of(o));
            return Verdict.DONE;
        } catch (DataIntegrityViolationException e) {
            return settleConflict(o, e);
        } catch (RuntimeException e) {
            return Verdict.RETRY;
        }
    }

    /** A single order hit a constraint: written meanwhile by another consumer, its key taken, or bad data. */
    private Verdict settleConflict(QueuedOrder o, DataIntegrityViolationException e) {
        try {
            if (!orders.existingIds(List.of(o.id())).isEmpty()) {
                forget(List.of(o));
                return Verdict.DONE;
            }
            var holder = orders.findByKey(o.saleId(), o.userId(), o.idempotencyKey());
            if (holder.isPresent()) {
                // the gate had lost the key and a retry made a second order for it: the written one stands
                gate.compensate(o.saleId(), o.userId(), o.idempotencyKey(), o.id(), o.quantity(), true);
                forget(List.of(o));
                log.warn("Queued order {} dropped: its key already belongs to written order {}", o.id(),
                        holder.get().id());
                return Verdict.DONE;
            }
        } catch (RuntimeException again) {
            return Verdict.RETRY;
        }
        log.error("Queued order {} of sale {} cannot be written ({}); dead-lettered", o.id(), o.saleId(),
                e.getMostSpecificCause().getMessage());
        return Verdict.DEAD;
    }

    private void forget(List<QueuedOrder> done) {
        Map<String, List<String>> bySale = new HashMap<>();
        done.forEach(o -> bySale.computeIfAbsent(o.saleId(), k -> new ArrayList<>()).add(o.id()));
        bySale.forEach((sale, ids) -> {
            try {
                gate.forget(sale, ids);
            } catch (RuntimeException e) {
                // a leftover record is counted once by a rebuild (it is written) and dropped by the next delivery
                log.warn("Records of {} written order(s) of sale {} not dropped yet: {}", ids.size(), sale,
                        e.getMessage());
            }
        });
    }

    /** For the adapters: the ids in a batch that can be acknowledged, as a set. */
    public static Set<String> done(Map<String, Verdict> verdicts) {
        return verdicts.entrySet().stream().filter(e -> e.getValue() == Verdict.DONE).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(HashSet::new));
    }
}
