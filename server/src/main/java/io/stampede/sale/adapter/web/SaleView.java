package io.stampede.sale.adapter.web;

import io.stampede.sale.application.SaleService.SaleWithStock;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.Turns;
import io.stampede.sale.port.SaleTurns;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A sale as the contract shows it. */
record SaleView(
        String id,
        String name,
        String sku,
        long priceCents,
        Instant startsAt,
        Instant endsAt,
        int perUserLimit,
        String paymentTimeout,
        String strategy,
        String intake,
        int gateSegments,
        String state,
        Stock stock,
        String access,
        int proofOfWork,
        @Nullable WaitingRoom waitingRoom,
        @Nullable Draw draw) {

    record Stock(long total, long available, long reserved, long sold) {}

    /** A waiting room's plan and its live figures (docs/fair-drops.md). */
    record WaitingRoom(
            Instant opensAt,
            int admitPerSecond,
            String randomizeFor,
            String admissionTtl,
            Instant admissionStartsAt,
            long admitted,
            long waiting) {}

    /** A draw's window, its published commitments and its progress; unpublished members are absent. */
    record Draw(
            Instant entriesOpenAt,
            Instant entriesCloseAt,
            String state,
            long entries,
            String seedHash,
            @Nullable String entriesHash,
            @Nullable String seed,
            @Nullable Instant drawnAt) {}

    static SaleView of(SaleWithStock s, Instant now) {
        Sale sale = s.sale();
        return new SaleView(
                sale.id(),
                sale.name(),
                sale.sku(),
                sale.priceCents(),
                sale.startsAt(),
                sale.endsAt(),
                sale.perUserLimit(),
                sale.paymentTimeout().toString(),
                sale.strategy().name(),
                sale.intake().name(),
                sale.gateSegments(),
                sale.stateAt(now, s.stock()).name(),
                new Stock(
                        s.stock().total(),
                        s.stock().available(),
                        s.stock().reserved(),
                        s.stock().sold()),
                sale.access().name(),
                sale.turns().proofOfWork(),
                waitingRoom(s),
                draw(s));
    }

    private static @Nullable WaitingRoom waitingRoom(SaleWithStock s) {
        Turns.Room plan = s.sale().turns().room();
        SaleTurns.Room live = s.turns().room();
        if (plan == null) {
            return null;
        }
        return new WaitingRoom(
                plan.opensAt(),
                live != null ? live.admitPerSecond() : plan.admitPerSecond(),
                plan.randomizeFor().toString(),
                plan.admissionTtl().toString(),
                s.sale().turns().admissionStartsAt(s.sale()),
                live != null ? live.admitted() : 0,
                live != null ? live.waiting() : 0);
    }

    private static @Nullable Draw draw(SaleWithStock s) {
        Turns.Draw plan = s.sale().turns().draw();
        SaleTurns.Draw live = s.turns().draw();
        if (plan == null || live == null) {
            return null;
        }
        return new Draw(
                plan.entriesOpenAt(),
                s.sale().startsAt(),
                live.state(),
                live.entries(),
                live.seedHash(),
                live.entriesHash(),
                live.seed(),
                live.drawnAt());
    }
}
