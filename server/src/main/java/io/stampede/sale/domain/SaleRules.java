package io.stampede.sale.domain;

import static io.stampede.shared.InputRules.EARLIEST;
import static io.stampede.shared.InputRules.LATEST;
import static io.stampede.shared.InputRules.isSupported;
import static io.stampede.shared.InputRules.text;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The rules a new sale and a restock must satisfy; each broken rule is one readable message. */
public final class SaleRules {
    public static final long MAX_STOCK = 10_000_000;
    public static final int MAX_PER_USER_LIMIT = 1_000;
    public static final Duration MIN_PAYMENT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_PAYMENT_TIMEOUT = Duration.ofDays(7);
    public static final long MAX_PRICE_CENTS = 100_000_000_000L;
    /** Gate segments of one sale: one per Redis Cluster master it may spread over. */
    public static final int MAX_GATE_SEGMENTS = 16;

    private SaleRules() {}

    /** A sale as asked for, before defaults; nulls are absent members. */
    public record Draft(
            String name,
            String sku,
            Long stock,
            Long priceCents,
            Instant startsAt,
            Instant endsAt,
            Integer perUserLimit,
            Duration paymentTimeout,
            StockStrategy strategy,
            Intake intake,
            @Nullable Integer gateSegments) {}

    /** The violations of a draft; empty when it may be created. */
    public static List<String> violations(Draft d) {
        List<String> errors = new ArrayList<>();
        text(errors, "name", d.name(), 200);
        text(errors, "sku", d.sku(), 64);
        if (d.stock() == null || d.stock() < 1 || d.stock() > MAX_STOCK) {
            errors.add("stock must be 1.." + MAX_STOCK);
        }
        if (d.priceCents() == null || d.priceCents() < 0 || d.priceCents() > MAX_PRICE_CENTS) {
            errors.add("priceCents must be 0.." + MAX_PRICE_CENTS);
        }
        if (d.startsAt() == null) {
            errors.add("startsAt is required");
        } else if (!isSupported(d.startsAt())) {
            errors.add("startsAt must be between " + EARLIEST + " and " + LATEST);
        }
        if (d.endsAt() == null) {
            errors.add("endsAt is required");
        } else if (!isSupported(d.endsAt())) {
            errors.add("endsAt must be between " + EARLIEST + " and " + LATEST);
        }
        if (d.startsAt() != null && d.endsAt() != null && !d.endsAt().isAfter(d.startsAt())) {
            errors.add("endsAt must be after startsAt");
        }
        if (d.perUserLimit() != null && (d.perUserLimit() < 1 || d.perUserLimit() > MAX_PER_USER_LIMIT)) {
            errors.add("perUserLimit must be 1.." + MAX_PER_USER_LIMIT);
        }
        if (d.paymentTimeout() != null
                && (d.paymentTimeout().compareTo(MIN_PAYMENT_TIMEOUT) < 0
                        || d.paymentTimeout().compareTo(MAX_PAYMENT_TIMEOUT) > 0
                        || d.paymentTimeout().toNanosPart() != 0)) {
            errors.add("paymentTimeout must be whole seconds between PT10S and P7D");
        }
        if (d.intake() == Intake.QUEUED && d.strategy() != null && d.strategy() != StockStrategy.REDIS_LUA) {
            // the other strategies decide in the database, so there is nothing to answer before the write
            errors.add("intake QUEUED needs strategy REDIS_LUA, whose gate decides before the order is written");
        }
        if (d.gateSegments() != null) {
            if (d.gateSegments() < 1 || d.gateSegments() > MAX_GATE_SEGMENTS) {
                errors.add("gateSegments must be 1.." + MAX_GATE_SEGMENTS);
            } else if (d.gateSegments() > 1
                    && ((d.strategy() != null && d.strategy() != StockStrategy.REDIS_LUA)
                            || d.intake() == Intake.QUEUED)) {
                // the segments are the Lua gate's; a QUEUED acceptance record lives in one slot with its gate
                errors.add("gateSegments above 1 needs strategy REDIS_LUA with intake DIRECT");
            }
        }
        return errors;
    }

    /** The sale a valid draft becomes, with the contract's defaults filled in. */
    public static Sale create(String id, Draft d, Instant now) {
        // milliseconds: what the gate compares and what every database keeps, so answers never change on re-read
        return new Sale(
                id,
                d.name().strip(),
                d.sku().strip(),
                d.priceCents(),
                millis(d.startsAt()),
                millis(d.endsAt()),
                d.perUserLimit() != null ? d.perUserLimit() : 1,
                d.paymentTimeout() != null ? d.paymentTimeout() : Duration.ofMinutes(15),
                d.strategy() != null ? d.strategy() : StockStrategy.REDIS_LUA,
                d.intake() != null ? d.intake() : Intake.DIRECT,
                d.gateSegments() != null ? d.gateSegments() : 1,
                d.stock(),
                millis(now));
    }

    private static Instant millis(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Why a restock of the sale by the quantity is refused, or null when it is fine. */
    public static @Nullable String restockViolation(Sale sale, long quantity) {
        if (quantity < 1 || quantity > MAX_STOCK) {
            return "quantity must be 1.." + MAX_STOCK;
        }
        if (sale.totalStock() + quantity > MAX_STOCK) {
            return "total stock may not pass " + MAX_STOCK;
        }
        return null;
    }
}
