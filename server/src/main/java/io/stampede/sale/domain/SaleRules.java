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
import java.util.Objects;
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
            @Nullable Integer gateSegments,
            @Nullable Access access,
            @Nullable RoomDraft waitingRoom,
            @Nullable DrawDraft draw,
            @Nullable Integer proofOfWork) {

        /** A draft of a sale open to all. */
        public Draft(
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
                @Nullable Integer gateSegments) {
            this(
                    name,
                    sku,
                    stock,
                    priceCents,
                    startsAt,
                    endsAt,
                    perUserLimit,
                    paymentTimeout,
                    strategy,
                    intake,
                    gateSegments,
                    null,
                    null,
                    null,
                    null);
        }
    }

    /** A waiting room as asked for; nulls are absent members. */
    public record RoomDraft(
            @Nullable Instant opensAt,
            @Nullable Integer admitPerSecond,
            @Nullable Duration randomizeFor,
            @Nullable Duration admissionTtl) {}

    /** A draw as asked for. */
    public record DrawDraft(@Nullable Instant entriesOpenAt) {}

    public static final int MAX_ADMIT_PER_SECOND = 100_000;
    public static final Duration MAX_RANDOMIZE_FOR = Duration.ofMinutes(10);
    public static final Duration MIN_ADMISSION_TTL = Duration.ofSeconds(10);
    public static final Duration MAX_ADMISSION_TTL = Duration.ofHours(1);
    public static final Duration DEFAULT_ADMISSION_TTL = Duration.ofMinutes(5);
    public static final int MAX_PROOF_OF_WORK = 24;

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
        turnViolations(errors, d);
        return errors;
    }

    private static void turnViolations(List<String> errors, Draft d) {
        Access access = d.access() != null ? d.access() : Access.OPEN;
        if (access != Access.WAITING_ROOM && d.waitingRoom() != null) {
            errors.add("waitingRoom needs access WAITING_ROOM");
        }
        if (access != Access.DRAW && d.draw() != null) {
            errors.add("draw needs access DRAW");
        }
        if (d.proofOfWork() != null) {
            if (d.proofOfWork() < 0 || d.proofOfWork() > MAX_PROOF_OF_WORK) {
                errors.add("proofOfWork must be 0.." + MAX_PROOF_OF_WORK);
            } else if (d.proofOfWork() > 0 && access == Access.OPEN) {
                errors.add("proofOfWork above 0 needs access WAITING_ROOM or DRAW");
            }
        }
        if (access == Access.WAITING_ROOM) {
            RoomDraft room = d.waitingRoom();
            if (room == null) {
                errors.add("waitingRoom is required with access WAITING_ROOM");
                return;
            }
            opensBefore(errors, "waitingRoom.opensAt", room.opensAt(), d.startsAt());
            if (room.admitPerSecond() == null
                    || room.admitPerSecond() < 1
                    || room.admitPerSecond() > MAX_ADMIT_PER_SECOND) {
                errors.add("waitingRoom.admitPerSecond must be 1.." + MAX_ADMIT_PER_SECOND);
            }
            if (room.randomizeFor() != null
                    && (room.randomizeFor().isNegative()
                            || room.randomizeFor().compareTo(MAX_RANDOMIZE_FOR) > 0
                            || room.randomizeFor().toNanosPart() != 0)) {
                errors.add("waitingRoom.randomizeFor must be whole seconds between PT0S and PT10M");
            }
            if (room.admissionTtl() != null
                    && (room.admissionTtl().compareTo(MIN_ADMISSION_TTL) < 0
                            || room.admissionTtl().compareTo(MAX_ADMISSION_TTL) > 0
                            || room.admissionTtl().toNanosPart() != 0)) {
                errors.add("waitingRoom.admissionTtl must be whole seconds between PT10S and PT1H");
            }
        }
        if (access == Access.DRAW) {
            DrawDraft draw = d.draw();
            if (draw == null) {
                errors.add("draw is required with access DRAW");
            } else {
                opensBefore(errors, "draw.entriesOpenAt", draw.entriesOpenAt(), d.startsAt());
            }
            if (d.perUserLimit() != null && d.perUserLimit() != 1) {
                errors.add("perUserLimit must be 1 with access DRAW: each winner gets one unit");
            }
        }
    }

    private static void opensBefore(List<String> errors, String field, @Nullable Instant at, @Nullable Instant start) {
        if (at == null) {
            errors.add(field + " is required");
        } else if (!isSupported(at)) {
            errors.add(field + " must be between " + EARLIEST + " and " + LATEST);
        } else if (start != null && !at.isBefore(start)) {
            errors.add(field + " must be before startsAt");
        }
    }

    private static Turns turns(Draft d) {
        Access access = d.access() != null ? d.access() : Access.OPEN;
        int work = d.proofOfWork() != null ? d.proofOfWork() : 0;
        return switch (access) {
            case OPEN -> Turns.OPEN;
            case WAITING_ROOM -> {
                RoomDraft r = Objects.requireNonNull(d.waitingRoom());
                yield new Turns(
                        access,
                        new Turns.Room(
                                millis(Objects.requireNonNull(r.opensAt())),
                                Objects.requireNonNull(r.admitPerSecond()),
                                r.randomizeFor() != null ? r.randomizeFor() : Duration.ZERO,
                                r.admissionTtl() != null ? r.admissionTtl() : DEFAULT_ADMISSION_TTL),
                        null,
                        work);
            }
            case DRAW ->
                new Turns(
                        access,
                        null,
                        new Turns.Draw(millis(Objects.requireNonNull(
                                Objects.requireNonNull(d.draw()).entriesOpenAt()))),
                        work);
        };
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
                millis(now),
                turns(d));
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
