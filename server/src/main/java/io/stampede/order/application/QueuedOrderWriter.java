package io.stampede.order.application;

import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.application.WrongGates;
import io.stampede.inventory.domain.Refusal;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.QueuedReservations;
import io.stampede.inventory.port.StockLedger;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.port.SaleRepository;
import io.stampede.shared.Failures;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * REJECTED so that its owner sees it. Nothing is ever written that the gate does not count.
 *
 * <p>The database does not trust the gate either: the transaction takes every order's units in the stock ledger,
 * within the sale's stock and the buyer's limit. An order it refuses (the gate had lost writes) is written REJECTED
 * with the reason, its units are not handed back to the gate that admitted it, and that gate is rebuilt at once.
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
    private final StockLedger ledger;
    private final GateFences gateFences;
    private final WrongGates wrongGates;
    private final TransactionTemplate tx;
    private final Clock clock;

    public QueuedOrderWriter(
            OrderRepository orders,
            SaleRepository sales,
            Outbox outbox,
            QueuedReservations gate,
            GateRebuilder rebuilder,
            QueuedOrderCodec codec,
            StockLedger ledger,
            GateFences gateFences,
            WrongGates wrongGates,
            TransactionTemplate tx,
            Clock clock) {
        this.ledger = ledger;
        this.gateFences = gateFences;
        this.wrongGates = wrongGates;
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
        Map<String, Rejected> reject = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS && !(todo.isEmpty() && reject.isEmpty()); round++) {
            Attempt attempt;
            try {
                // first with the stock taken last, all at once; when a sale lacks units, once more in order
                List<QueuedOrder> writing = List.copyOf(todo.values());
                List<Rejected> rejecting = List.copyOf(reject.values());
                attempt = inOneTransaction(writing, rejecting, false)
                        .orElseGet(
                                () -> inOneTransaction(writing, rejecting, true).orElseThrow());
            } catch (DataIntegrityViolationException e) {
                if (todo.size() + reject.size() > 1) {
                    // one bad order must not hold up the others: settle them one by one
                    for (QueuedOrder o : todo.values()) {
                        verdicts.putAll(write(List.of(o)));
                    }
                    reject.values().forEach(r -> verdicts.put(r.order().id(), writeRejectedAlone(r)));
                    return verdicts;
                }
                QueuedOrder only = todo.isEmpty()
                        ? reject.values().iterator().next().order()
                        : todo.values().iterator().next();
                verdicts.put(only.id(), settleConflict(only, Failures.describe(e.getMostSpecificCause())));
                return verdicts;
            } catch (RuntimeException e) {
                // the database is down or failing: nothing of this batch is written, keep every request
                log.debug("Queued batch of {} not written: {}", todo.size() + reject.size(), e.getMessage());
                todo.keySet().forEach(id -> verdicts.put(id, Verdict.RETRY));
                reject.keySet().forEach(id -> verdicts.put(id, Verdict.RETRY));
                return verdicts;
            }
            forget(attempt.settled());
            contradicted(attempt.contradicted());
            attempt.replays().forEach(o -> verdicts.put(o.id(), settleConflict(o, "refused, its key taken")));
            attempt.settled().forEach(o -> verdicts.put(o.id(), Verdict.DONE));
            attempt.unknownSale().forEach(o -> {
                log.error("Queued order {} names sale {}, which does not exist; dead-lettered", o.id(), o.saleId());
                verdicts.put(o.id(), Verdict.DEAD);
            });
            todo.clear();
            reject.clear();
            for (QueuedOrder o : attempt.unaccounted()) {
                switch (readmit(o)) {
                    case Readmission.Write w -> todo.put(o.id(), o);
                    case Readmission.Reject r -> reject.put(o.id(), new Rejected(o, r.refusal()));
                    case Readmission.Drop d -> verdicts.put(o.id(), Verdict.DONE);
                    case Readmission.Retry r -> verdicts.put(o.id(), Verdict.RETRY);
                }
            }
        }
        todo.keySet().forEach(id -> verdicts.putIfAbsent(id, Verdict.RETRY));
        reject.keySet().forEach(id -> verdicts.putIfAbsent(id, Verdict.RETRY));
        return verdicts;
    }

    /** An accepted order the sale cannot honour, to be written REJECTED with the error code of the refusal. */
    private record Rejected(QueuedOrder order, String refusal) {}

    /**
     * One transaction's outcome: orders settled (written now, rejected now, or written before), those the gate no
     * longer counts, those of no known sale, and the sales whose gate the database contradicted.
     */
    private record Attempt(
            List<QueuedOrder> settled,
            List<QueuedOrder> unaccounted,
            List<QueuedOrder> unknownSale,
            Set<String> contradicted,
            List<QueuedOrder> replays) {}

    /**
     * One transaction over the batch; unless {@code precise}, the stock is taken by its last statement, all at once,
     * and nothing (rolled back) when a sale lacks units.
     */
    private Optional<Attempt> inOneTransaction(List<QueuedOrder> batch, List<Rejected> rejected, boolean precise) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return tx.execute(status -> {
            List<QueuedOrder> all = new ArrayList<>(batch);
            rejected.forEach(r -> all.add(r.order()));
            Set<String> written =
                    orders.existingIds(all.stream().map(QueuedOrder::id).toList());
            // the fence: the sale rows stay shared-locked until commit, so a rebuild's epoch bump waits for us
            Map<String, GateFences.Fence> fences =
                    gateFences.lock(all.stream().map(QueuedOrder::saleId).collect(Collectors.toSet()));
            List<QueuedOrder> settled = new ArrayList<>();
            List<QueuedOrder> unaccounted = new ArrayList<>();
            List<QueuedOrder> unknownSale = new ArrayList<>();
            List<QueuedOrder> counted = new ArrayList<>();
            Map<String, List<QueuedOrder>> staleBySale = new HashMap<>();
            for (QueuedOrder o : batch) {
                GateFences.Fence fence = fences.get(o.saleId());
                if (fence == null) {
                    unknownSale.add(o);
                } else if (written.contains(o.id())) {
                    settled.add(o);
                } else if (fence.gateEpoch() == o.gateEpoch()) {
                    counted.add(o);
                } else {
                    staleBySale
                            .computeIfAbsent(o.saleId(), k -> new ArrayList<>())
                            .add(o);
                }
            }
            for (Map.Entry<String, List<QueuedOrder>> e : staleBySale.entrySet()) {
                Set<String> recorded = gate.present(
                        e.getKey(), e.getValue().stream().map(QueuedOrder::id).toList());
                for (QueuedOrder o : e.getValue()) {
                    (recorded.contains(o.id()) ? counted : unaccounted).add(o);
                }
            }
            // the gate counts these; the database checks that they fit the stock and the buyers' limits
            List<StockLedger.Claim> claims =
                    counted.stream().map(QueuedOrderWriter::claim).toList();
            Map<String, Integer> limits = GateFences.Fence.limits(fences);
            Map<String, Refusal> refused = precise ? ledger.hold(claims, limits) : ledger.holdBuyers(claims, limits);
            List<StockLedger.Claim> taking = new ArrayList<>();
            List<Order> toWrite = new ArrayList<>();
            Set<String> contradicted = new HashSet<>();
            List<QueuedOrder> replays = new ArrayList<>();
            for (QueuedOrder o : counted) {
                Refusal refusal = refused.get(o.id());
                if (refusal == null) {
                    toWrite.add(o.written(now));
                    taking.add(claim(o));
                } else if (orders.findByKey(o.saleId(), o.userId(), o.idempotencyKey())
                        .isPresent()) {
                    replays.add(o); // the key has its order already: settled as the conflict it is, below
                    continue;
                } else {
                    log.warn(
                            "Accepted order {} of sale {} refused by the database ({}): the sale's gate admitted it "
                                    + "wrongly; written REJECTED",
                            o.id(),
                            o.saleId(),
                            refusal);
                    toWrite.add(o.rejected(now, refusal.name()));
                    contradicted.add(o.saleId());
                }
                settled.add(o);
            }
            for (Rejected r : rejected) {
                if (!written.contains(r.order().id())) {
                    toWrite.add(r.order().rejected(now, r.refusal()));
                }
                settled.add(r.order());
            }
            if (!toWrite.isEmpty()) {
                orders.insertAll(toWrite);
                outbox.append(toWrite.stream()
                        .map(o -> OrderEvents.of(o, o.status(), now, null))
                        .toList());
            }
            // last: the sales' stock rows are held only from here to the commit
            if (!precise && !ledger.takeAll(taking)) {
                status.setRollbackOnly();
                return Optional.empty();
            }
            return Optional.of(new Attempt(settled, unaccounted, unknownSale, contradicted, replays));
        });
    }

    private static StockLedger.Claim claim(QueuedOrder o) {
        return new StockLedger.Claim(o.id(), o.saleId(), o.userId(), o.quantity());
    }

    /** Sales whose gate admitted what the database refused: the gate lost writes and is rebuilt at once. */
    private void contradicted(Set<String> saleIds) {
        for (String saleId : saleIds) {
            try {
                sales.find(saleId)
                        .ifPresent(sale -> wrongGates.markWrong(
                                saleId,
                                "sale " + saleId + ": an accepted order refused",
                                () -> rebuilder.rebuild(sale)));
            } catch (RuntimeException e) {
                log.warn("Could not ask for the rebuild of the gate of sale {}: {}", saleId, e.getMessage());
            }
        }
    }

    /** What to do with an order the gate no longer counts, after taking it through the gate again. */
    private sealed interface Readmission {
        record Write() implements Readmission {}

        /** The gate cannot honour it any more: written REJECTED, with the contract's error code of the refusal. */
        record Reject(String refusal) implements Readmission {}

        /** Its key belongs to another order already: nothing to write. */
        record Drop() implements Readmission {}

        record Retry() implements Readmission {}
    }

    /** Takes an order the gate does not count through the current gate again, with its own id and key. */
    private Readmission readmit(QueuedOrder o) {
        try {
            Reservation r = gate.reserve(
                    o.saleId(),
                    o.userId(),
                    o.idempotencyKey(),
                    o.quantity(),
                    o.id(),
                    o.createdAt(),
                    codec.write(o),
                    true);
            return switch (r) {
                case Reservation.Reserved granted -> new Readmission.Write();
                case Reservation.Duplicate d when d.orderId().equals(o.id()) -> new Readmission.Write();
                case Reservation.Duplicate d -> {
                    log.warn("Queued order {} dropped: its key already belongs to order {}", o.id(), d.orderId());
                    yield new Readmission.Drop();
                }
                case Reservation.SoldOut s -> cannotHonour(o, "SOLD_OUT");
                case Reservation.LimitExceeded l -> cannotHonour(o, "LIMIT_EXCEEDED");
                case Reservation.NotActive n -> cannotHonour(o, "SALE_NOT_ACTIVE");
                case Reservation.GateMissing m -> {
                    sales.find(o.saleId()).ifPresent(rebuilder::ensureBuilt);
                    yield new Readmission.Retry();
                }
            };
        } catch (RuntimeException e) {
            log.warn("Queued order {} could not be re-admitted yet: {}", o.id(), e.getMessage());
            return new Readmission.Retry();
        }
    }

    private Readmission cannotHonour(QueuedOrder o, String refusal) {
        log.error(
                "Accepted order {} of sale {} cannot be honoured after its gate record was lost ({}); "
                        + "written REJECTED",
                o.id(),
                o.saleId(),
                refusal);
        return new Readmission.Reject(refusal);
    }

    private Verdict writeRejectedAlone(Rejected r) {
        try {
            inOneTransaction(List.of(), List.of(r), true);
            forget(List.of(r.order()));
            return Verdict.DONE;
        } catch (DataIntegrityViolationException e) {
            return settleConflict(r.order(), Failures.describe(e.getMostSpecificCause()));
        } catch (RuntimeException e) {
            return Verdict.RETRY;
        }
    }

    /** A single order hit a constraint: written meanwhile by another consumer, its key taken, or bad data. */
    private Verdict settleConflict(QueuedOrder o, String why) {
        try {
            if (!orders.existingIds(List.of(o.id())).isEmpty()) {
                forget(List.of(o));
                return Verdict.DONE;
            }
            var holder = orders.findByKey(o.saleId(), o.userId(), o.idempotencyKey());
            if (holder.isPresent()) {
                // the gate had lost the key and a retry was accepted under a new id: the written order stands, and
                // the id its shopper was given stands for it from now on
                orders.alias(o.id(), holder.get().id());
                gate.compensate(o.saleId(), o.userId(), o.idempotencyKey(), o.id(), o.quantity(), true);
                forget(List.of(o));
                log.warn(
                        "Queued order {} is a retry of written order {} with the same key; it stands for it",
                        o.id(),
                        holder.get().id());
                contradicted(Set.of(o.saleId()));
                return Verdict.DONE;
            }
        } catch (RuntimeException again) {
            return Verdict.RETRY;
        }
        log.error("Queued order {} of sale {} cannot be written ({}); dead-lettered", o.id(), o.saleId(), why);
        return Verdict.DEAD;
    }

    private void forget(List<QueuedOrder> done) {
        Map<String, List<String>> bySale = new HashMap<>();
        done.forEach(
                o -> bySale.computeIfAbsent(o.saleId(), k -> new ArrayList<>()).add(o.id()));
        bySale.forEach((sale, ids) -> {
            try {
                gate.forget(sale, ids);
            } catch (RuntimeException e) {
                // a leftover record is counted once by a rebuild (it is written) and dropped by the next delivery
                log.warn(
                        "Records of {} written order(s) of sale {} not dropped yet: {}",
                        ids.size(),
                        sale,
                        e.getMessage());
            }
        });
    }

    /** For the adapters: the ids in a batch that can be acknowledged, as a set. */
    public static Set<String> done(Map<String, Verdict> verdicts) {
        return verdicts.entrySet().stream()
                .filter(e -> e.getValue() == Verdict.DONE)
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(HashSet::new));
    }
}
