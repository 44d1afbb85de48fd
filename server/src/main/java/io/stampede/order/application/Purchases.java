package io.stampede.order.application;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.coupon.domain.Coupon;
import io.stampede.inventory.application.SoldOutFlags;
import io.stampede.sale.domain.Sale;
import io.stampede.shared.live.AttemptCounts;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * The entry of every purchase: answers at once when this instance knows the sale sold out, else hands the attempt
 * to the path of the sale's strategy and intake; counts every outcome.
 */
@Service("purchaseRouter") // "purchases" names the health contributor of GateWarmup
public class Purchases {
    private final List<PurchasePath> paths;
    private final SoldOutFlags soldOut;
    private final MeterRegistry meters;
    private final AttemptCounts attempts;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

    public Purchases(List<PurchasePath> paths, SoldOutFlags soldOut, MeterRegistry meters, AttemptCounts attempts) {
        this.paths = paths;
        this.soldOut = soldOut;
        this.meters = meters;
        this.attempts = attempts;
    }

    public PurchaseOutcome purchase(Sale sale, String userId, String idempotencyKey, int quantity) {
        return purchase(sale, userId, idempotencyKey, quantity, null);
    }

    public PurchaseOutcome purchase(
            Sale sale, String userId, String idempotencyKey, int quantity, @Nullable Coupon coupon) {
        long started = System.nanoTime();
        if (soldOut.answersSoldOut(sale, userId, idempotencyKey, quantity)) {
            count(sale, "sold_out_local");
            attempts.record(sale.id(), AttemptCounts.Outcome.SOLD_OUT, System.nanoTime() - started);
            return new PurchaseOutcome.SoldOut();
        }
        long observed = soldOut.observe(sale.id());
        PurchaseOutcome outcome = pathOf(sale).purchase(sale, userId, idempotencyKey, quantity, coupon);
        switch (outcome) {
            case PurchaseOutcome.SoldOut s -> soldOut.soldOut(sale, quantity, observed);
            // a new order means units were there: a flag raised before (for a larger quantity) no longer knows
            // every key that bought, so it must not answer this key's replay
            case PurchaseOutcome.Placed p when !p.replay() -> soldOut.clear(sale.id());
            case PurchaseOutcome.Queued q when !q.replay() -> soldOut.clear(sale.id());
            default -> {}
        }
        count(
                sale,
                switch (outcome) {
                    case PurchaseOutcome.Placed p -> p.replay() ? "replay" : "placed";
                    case PurchaseOutcome.Queued q -> q.replay() ? "replay" : "queued";
                    case PurchaseOutcome.SoldOut s -> "sold_out";
                    case PurchaseOutcome.LimitExceeded l -> "limit_exceeded";
                    case PurchaseOutcome.NotActive n -> "not_active";
                    case PurchaseOutcome.CouponUsed c -> "coupon_used";
                    case PurchaseOutcome.Invalid i -> "invalid";
                    case PurchaseOutcome.Unavailable u -> "unavailable";
                });
        AttemptCounts.@Nullable Outcome live = switch (outcome) {
            case PurchaseOutcome.Placed p -> p.replay() ? null : AttemptCounts.Outcome.PLACED;
            case PurchaseOutcome.Queued q -> q.replay() ? null : AttemptCounts.Outcome.PLACED;
            case PurchaseOutcome.SoldOut s -> AttemptCounts.Outcome.SOLD_OUT;
            case PurchaseOutcome.LimitExceeded l -> AttemptCounts.Outcome.LIMIT_EXCEEDED;
            case PurchaseOutcome.Unavailable u -> AttemptCounts.Outcome.UNAVAILABLE;
            case PurchaseOutcome.NotActive n -> AttemptCounts.Outcome.OTHER;
            case PurchaseOutcome.CouponUsed c -> AttemptCounts.Outcome.OTHER;
            case PurchaseOutcome.Invalid i -> AttemptCounts.Outcome.OTHER;
        };
        if (live != null) { // a replay is the same attempt answered again, not a new one
            attempts.record(sale.id(), live, System.nanoTime() - started);
        }
        return outcome;
    }

    PurchasePath pathOf(Sale sale) {
        return paths.stream()
                .filter(p -> p.serves(sale))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no purchase path serves strategy " + sale.strategy() + " with intake " + sale.intake()));
    }

    private void count(Sale sale, String name) {
        outcomes.computeIfAbsent(
                        name + "/" + sale.strategy(),
                        n -> Counter.builder("stampede.purchases")
                                .tag("outcome", name)
                                .tag("strategy", sale.strategy().name())
                                .description("purchase attempts by outcome")
                                .register(meters))
                .increment();
    }
}
