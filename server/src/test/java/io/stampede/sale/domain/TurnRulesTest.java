package io.stampede.sale.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of a sale's turns: a waiting room or a draw needs its plan, and each plan its bounds. */
class TurnRulesTest {
    private static final Instant START = Instant.parse("2026-12-24T10:00:00Z");

    private static SaleRules.Draft draft(
            Access access, SaleRules.RoomDraft room, SaleRules.DrawDraft draw, Integer work, Integer limit) {
        return new SaleRules.Draft(
                "n",
                "s",
                10L,
                100L,
                START,
                START.plusSeconds(3600),
                limit,
                null,
                null,
                null,
                null,
                access,
                room,
                draw,
                work);
    }

    private static SaleRules.RoomDraft room(Instant opensAt, Integer rate, Duration randomize, Duration ttl) {
        return new SaleRules.RoomDraft(opensAt, rate, randomize, ttl);
    }

    @Test
    void aValidRoomBecomesItsPlanWithDefaults() {
        SaleRules.Draft d = draft(Access.WAITING_ROOM, room(START.minusSeconds(600), 50, null, null), null, 16, null);
        assertThat(SaleRules.violations(d)).isEmpty();
        Sale sale = SaleRules.create("id", d, START.minusSeconds(3600));
        assertThat(sale.turns().room())
                .isEqualTo(new Turns.Room(START.minusSeconds(600), 50, Duration.ZERO, Duration.ofMinutes(5)));
        assertThat(sale.turns().proofOfWork()).isEqualTo(16);
        assertThat(sale.turns().admissionStartsAt(sale)).isEqualTo(START);
    }

    @Test
    void aValidDrawBecomesItsPlan() {
        SaleRules.Draft d = draft(Access.DRAW, null, new SaleRules.DrawDraft(START.minusSeconds(60)), null, 1);
        assertThat(SaleRules.violations(d)).isEmpty();
        assertThat(SaleRules.create("id", d, START).turns().draw()).isEqualTo(new Turns.Draw(START.minusSeconds(60)));
        assertThat(SaleRules.create("id", draft(null, null, null, null, null), START)
                        .turns())
                .isEqualTo(Turns.OPEN);
    }

    @Test
    void eachBrokenRuleIsNamed() {
        Instant before = START.minusSeconds(60);
        List<String> v = SaleRules.violations(draft(Access.WAITING_ROOM, null, null, null, null));
        assertThat(v).containsExactly("waitingRoom is required with access WAITING_ROOM");
        assertThat(SaleRules.violations(draft(
                        Access.WAITING_ROOM,
                        room(START, 0, Duration.ofMinutes(11), Duration.ofSeconds(5)),
                        null,
                        25,
                        null)))
                .containsExactlyInAnyOrder(
                        "proofOfWork must be 0..24",
                        "waitingRoom.opensAt must be before startsAt",
                        "waitingRoom.admitPerSecond must be 1..100000",
                        "waitingRoom.randomizeFor must be whole seconds between PT0S and PT10M",
                        "waitingRoom.admissionTtl must be whole seconds between PT10S and PT1H");
        assertThat(SaleRules.violations(draft(Access.DRAW, room(before, 5, null, null), null, null, 2)))
                .containsExactlyInAnyOrder(
                        "waitingRoom needs access WAITING_ROOM",
                        "draw is required with access DRAW",
                        "perUserLimit must be 1 with access DRAW: each winner gets one unit");
        assertThat(SaleRules.violations(draft(null, null, new SaleRules.DrawDraft(before), 3, null)))
                .containsExactlyInAnyOrder(
                        "draw needs access DRAW", "proofOfWork above 0 needs access WAITING_ROOM or DRAW");
        assertThat(SaleRules.violations(draft(Access.DRAW, null, new SaleRules.DrawDraft(null), null, null)))
                .containsExactly("draw.entriesOpenAt is required");
    }
}
