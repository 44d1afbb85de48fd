package io.stampede.sale.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The rules a new sale and a restock must satisfy, the contract's defaults, and the sale window [startsAt, endsAt). */
class SaleRulesTest {
    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant END = Instant.parse("2026-11-24T12:00:00Z");

    /** A draft that breaks no rule; each test changes one member of it. */
    private static SaleRules.Draft valid() {
        return new SaleRules.Draft(
                "Phone X launch",
                "PHONE-X",
                1000L,
                49_900L,
                START,
                END,
                1,
                Duration.ofMinutes(15),
                StockStrategy.REDIS_LUA,
                Intake.DIRECT,
                null);
    }

    private static SaleRules.Draft withName(String name) {
        SaleRules.Draft d = valid();
        return new SaleRules.Draft(
                name,
                d.sku(),
                d.stock(),
                d.priceCents(),
                d.startsAt(),
                d.endsAt(),
                d.perUserLimit(),
                d.paymentTimeout(),
                d.strategy(),
                d.intake(),
                d.gateSegments());
    }

    private static SaleRules.Draft withSku(String sku) {
        SaleRules.Draft d = valid();
        return new SaleRules.Draft(
                d.name(),
                sku,
                d.stock(),
                d.priceCents(),
                d.startsAt(),
                d.endsAt(),
                d.perUserLimit(),
                d.paymentTimeout(),
                d.strategy(),
                d.intake(),
                d.gateSegments());
    }

    private static SaleRules.Draft withStock(Long stock) {
        SaleRules.Draft d = valid();
        return new SaleRules.Draft(
                d.name(),
                d.sku(),
                stock,
                d.priceCents(),
                d.startsAt(),
                d.endsAt(),
                d.perUserLimit(),
                d.paymentTimeout(),
                d.strategy(),
                d.intake(),
                d.gateSegments());
    }

    private static SaleRules.Draft withPrice(Long priceCents) {
        SaleRules.Draft d = valid();
        return new SaleRules.Draft(
                d.name(),
                d.sku(),
                d.stock(),
                priceCents,
                d.startsAt(),
                d.endsAt(),
                d.perUserLimit(),
                d.paymentTimeout(),
                d.strategy(),
                d.intake(),
                d.gateSegments());
    }

    private static SaleRules.Draft withWindow(Instant startsAt, Instant endsAt) {
        SaleRules.Draft d = valid();
        return new SaleRules.Draft(
                d.name(),
                d.sku(),
                d.stock(),
                d.priceCents(),
                startsAt,
                endsAt,
                d.perUserLimit(),
                d.paymentTimeout(),
                d.strategy(),
                d.intake(),
                d.gateSegments());
    }

    private static SaleRules.Draft withLimit(Integer perUserLimit) {
        SaleRules.Draft d = valid();
        return new SaleRules.Draft(
                d.name(),
                d.sku(),
                d.stock(),
                d.priceCents(),
                d.startsAt(),
                d.endsAt(),
                perUserLimit,
                d.paymentTimeout(),
                d.strategy(),
                d.intake(),
                d.gateSegments());
    }

    private static SaleRules.Draft withTimeout(Duration paymentTimeout) {
        SaleRules.Draft d = valid();
        return new SaleRules.Draft(
                d.name(),
                d.sku(),
                d.stock(),
                d.priceCents(),
                d.startsAt(),
                d.endsAt(),
                d.perUserLimit(),
                paymentTimeout,
                d.strategy(),
                d.intake(),
                d.gateSegments());
    }

    private static Sale sale(long totalStock) {
        return new Sale(
                "s1",
                "n",
                "sku",
                100,
                START,
                END,
                1,
                Duration.ofMinutes(15),
                StockStrategy.REDIS_LUA,
                Intake.DIRECT,
                1,
                totalStock,
                START.minusSeconds(60));
    }

    @Nested
    class Violations {
        @Test
        void aValidDraftHasNone() {
            assertThat(SaleRules.violations(valid())).isEmpty();
        }

        @Test
        void optionalMembersMayBeAbsent() {
            SaleRules.Draft d = valid();
            SaleRules.Draft minimal = new SaleRules.Draft(
                    d.name(),
                    d.sku(),
                    d.stock(),
                    d.priceCents(),
                    d.startsAt(),
                    d.endsAt(),
                    null,
                    null,
                    null,
                    null,
                    null);
            assertThat(SaleRules.violations(minimal)).isEmpty();
        }

        @Test
        void everyMissingRequiredMemberIsReportedAtOnce() {
            SaleRules.Draft empty =
                    new SaleRules.Draft(null, null, null, null, null, null, null, null, null, null, null);
            assertThat(SaleRules.violations(empty))
                    .containsExactlyInAnyOrder(
                            "name is required",
                            "sku is required",
                            "stock must be 1..10000000",
                            "priceCents must be 0..100000000000",
                            "startsAt is required",
                            "endsAt is required");
        }

        @Test
        void nameAndSkuMustBeNonBlankAndShortEnough() {
            assertThat(SaleRules.violations(withName("   "))).containsExactly("name is required");
            assertThat(SaleRules.violations(withName("n".repeat(200)))).isEmpty();
            assertThat(SaleRules.violations(withName("n".repeat(201))))
                    .containsExactly("name must be at most 200 characters");
            assertThat(SaleRules.violations(withSku(""))).containsExactly("sku is required");
            assertThat(SaleRules.violations(withSku("S".repeat(64)))).isEmpty();
            assertThat(SaleRules.violations(withSku("S".repeat(65))))
                    .containsExactly("sku must be at most 64 characters");
        }

        @Test
        void stockIsOneToTenMillion() {
            assertThat(SaleRules.violations(withStock(1L))).isEmpty();
            assertThat(SaleRules.violations(withStock(10_000_000L))).isEmpty();
            assertThat(SaleRules.violations(withStock(0L))).containsExactly("stock must be 1..10000000");
            assertThat(SaleRules.violations(withStock(-1L))).containsExactly("stock must be 1..10000000");
            assertThat(SaleRules.violations(withStock(10_000_001L))).containsExactly("stock must be 1..10000000");
        }

        @Test
        void priceMayBeFreeButNotNegativeOrAbsurd() {
            assertThat(SaleRules.violations(withPrice(0L))).isEmpty();
            assertThat(SaleRules.violations(withPrice(SaleRules.MAX_PRICE_CENTS)))
                    .isEmpty();
            assertThat(SaleRules.violations(withPrice(-1L))).containsExactly("priceCents must be 0..100000000000");
            assertThat(SaleRules.violations(withPrice(SaleRules.MAX_PRICE_CENTS + 1)))
                    .containsExactly("priceCents must be 0..100000000000");
        }

        @Test
        void endsAtMustBeStrictlyAfterStartsAt() {
            assertThat(SaleRules.violations(withWindow(START, START.plusMillis(1))))
                    .isEmpty();
            assertThat(SaleRules.violations(withWindow(START, START))).containsExactly("endsAt must be after startsAt");
            assertThat(SaleRules.violations(withWindow(END, START))).containsExactly("endsAt must be after startsAt");
        }

        @Test
        void aMissingWindowEndIsReportedOnlyAsMissing() {
            // no "after startsAt" complaint about a value that is not there
            assertThat(SaleRules.violations(withWindow(START, null))).containsExactly("endsAt is required");
            assertThat(SaleRules.violations(withWindow(null, END))).containsExactly("startsAt is required");
        }

        @Test
        void perUserLimitIsOneToAThousandWhenGiven() {
            assertThat(SaleRules.violations(withLimit(1))).isEmpty();
            assertThat(SaleRules.violations(withLimit(1000))).isEmpty();
            assertThat(SaleRules.violations(withLimit(0))).containsExactly("perUserLimit must be 1..1000");
            assertThat(SaleRules.violations(withLimit(1001))).containsExactly("perUserLimit must be 1..1000");
        }

        @Test
        void gateSegmentsAreOneToSixteenAndAboveOneOnlyForADirectLuaGate() {
            SaleRules.Draft d = valid();
            assertThat(SaleRules.violations(segments(d, StockStrategy.REDIS_LUA, Intake.DIRECT, 3)))
                    .isEmpty();
            assertThat(SaleRules.violations(segments(d, StockStrategy.REDIS_LUA, Intake.DIRECT, 16)))
                    .isEmpty();
            assertThat(SaleRules.violations(segments(d, StockStrategy.REDIS_LUA, Intake.DIRECT, 0)))
                    .containsExactly("gateSegments must be 1..16");
            assertThat(SaleRules.violations(segments(d, StockStrategy.REDIS_LUA, Intake.DIRECT, 17)))
                    .containsExactly("gateSegments must be 1..16");
            assertThat(SaleRules.violations(segments(d, StockStrategy.TOKEN_QUEUE, Intake.DIRECT, 2)))
                    .containsExactly("gateSegments above 1 needs strategy REDIS_LUA with intake DIRECT");
            assertThat(SaleRules.violations(segments(d, StockStrategy.REDIS_LUA, Intake.QUEUED, 2)))
                    .containsExactly("gateSegments above 1 needs strategy REDIS_LUA with intake DIRECT");
            assertThat(SaleRules.violations(segments(d, StockStrategy.TOKEN_QUEUE, Intake.DIRECT, 1)))
                    .isEmpty();
            assertThat(SaleRules.create("s", segments(d, null, null, null), START)
                            .gateSegments())
                    .isEqualTo(1);
            assertThat(SaleRules.create("s", segments(d, null, null, 4), START).gateSegments())
                    .isEqualTo(4);
        }

        private static SaleRules.Draft segments(
                SaleRules.Draft d, StockStrategy strategy, Intake intake, Integer gateSegments) {
            return new SaleRules.Draft(
                    d.name(),
                    d.sku(),
                    d.stock(),
                    d.priceCents(),
                    d.startsAt(),
                    d.endsAt(),
                    d.perUserLimit(),
                    d.paymentTimeout(),
                    strategy,
                    intake,
                    gateSegments);
        }

        @Test
        void paymentTimeoutIsWholeSecondsFromTenSecondsToSevenDaysWhenGiven() {
            assertThat(SaleRules.violations(withTimeout(Duration.ofSeconds(10))))
                    .isEmpty();
            assertThat(SaleRules.violations(withTimeout(Duration.ofDays(7)))).isEmpty();
            assertThat(SaleRules.violations(withTimeout(Duration.ofMillis(9_999))))
                    .containsExactly("paymentTimeout must be whole seconds between PT10S and P7D");
            assertThat(SaleRules.violations(withTimeout(Duration.ofDays(7).plusMillis(1))))
                    .containsExactly("paymentTimeout must be whole seconds between PT10S and P7D");
            // the database keeps seconds: a fraction would make the stored sale differ from the one answered
            assertThat(SaleRules.violations(withTimeout(Duration.ofMillis(10_500))))
                    .containsExactly("paymentTimeout must be whole seconds between PT10S and P7D");
        }
    }

    @Nested
    class Create {
        private static final Instant NOW = START.minusSeconds(3600);

        @Test
        void fillsInTheContractDefaults() {
            SaleRules.Draft d = valid();
            SaleRules.Draft minimal = new SaleRules.Draft(
                    d.name(),
                    d.sku(),
                    d.stock(),
                    d.priceCents(),
                    d.startsAt(),
                    d.endsAt(),
                    null,
                    null,
                    null,
                    null,
                    null);

            Sale sale = SaleRules.create("id-1", minimal, NOW);

            assertThat(sale.perUserLimit()).isEqualTo(1);
            assertThat(sale.paymentTimeout()).isEqualTo(Duration.ofMinutes(15));
            assertThat(sale.strategy()).isEqualTo(StockStrategy.REDIS_LUA);
            assertThat(sale.intake()).isEqualTo(Intake.DIRECT);
        }

        @Test
        void keepsWhatWasAskedForAndStripsText() {
            SaleRules.Draft asked = new SaleRules.Draft(
                    "  Phone X  ",
                    "\tPHONE-X\n",
                    500L,
                    1_999L,
                    START,
                    END,
                    3,
                    Duration.ofMinutes(2),
                    StockStrategy.DB_CONDITIONAL,
                    Intake.QUEUED,
                    null);

            Sale sale = SaleRules.create("id-2", asked, NOW);

            assertThat(sale)
                    .isEqualTo(new Sale(
                            "id-2",
                            "Phone X",
                            "PHONE-X",
                            1_999L,
                            START,
                            END,
                            3,
                            Duration.ofMinutes(2),
                            StockStrategy.DB_CONDITIONAL,
                            Intake.QUEUED,
                            1,
                            500L,
                            NOW));
        }
    }

    @Nested
    class Restock {
        @Test
        void acceptsAQuantityThatKeepsTheTotalWithinTheMaximum() {
            assertThat(SaleRules.restockViolation(sale(100), 1L)).isNull();
            assertThat(SaleRules.restockViolation(sale(100), SaleRules.MAX_STOCK - 100))
                    .isNull();
        }

        @Test
        void refusesAnOutOfRangeQuantity() {
            assertThat(SaleRules.restockViolation(sale(100), 0L)).isEqualTo("quantity must be 1..10000000");
            assertThat(SaleRules.restockViolation(sale(100), -5L)).isEqualTo("quantity must be 1..10000000");
            assertThat(SaleRules.restockViolation(sale(1), SaleRules.MAX_STOCK + 1))
                    .isEqualTo("quantity must be 1..10000000");
        }

        @Test
        void refusesATotalPastTheMaximum() {
            assertThat(SaleRules.restockViolation(sale(100), SaleRules.MAX_STOCK - 99))
                    .isEqualTo("total stock may not pass 10000000");
            assertThat(SaleRules.restockViolation(sale(SaleRules.MAX_STOCK), 1L))
                    .isEqualTo("total stock may not pass 10000000");
        }
    }

    @Nested
    class Window {
        private final Sale sale = sale(10);
        private final StockFigures inStock = StockFigures.of(10, 2, 3);
        private final StockFigures soldOut = StockFigures.of(10, 4, 6);

        @Test
        void isOpenFromStartInclusiveToEndExclusive() {
            assertThat(sale.isOpenAt(START.minusMillis(1))).isFalse();
            assertThat(sale.isOpenAt(START)).isTrue();
            assertThat(sale.isOpenAt(END.minusMillis(1))).isTrue();
            assertThat(sale.isOpenAt(END)).isFalse();
            assertThat(sale.isOpenAt(END.plusSeconds(1))).isFalse();
        }

        @Test
        void stateFollowsTheSameWindow() {
            assertThat(sale.stateAt(START.minusMillis(1), inStock)).isEqualTo(SaleState.SCHEDULED);
            assertThat(sale.stateAt(START, inStock)).isEqualTo(SaleState.ACTIVE);
            assertThat(sale.stateAt(END.minusMillis(1), inStock)).isEqualTo(SaleState.ACTIVE);
            assertThat(sale.stateAt(END, inStock)).isEqualTo(SaleState.ENDED);
        }

        @Test
        void isSoldOutOnlyWhileOpenAndNothingIsAvailable() {
            assertThat(sale.stateAt(START, soldOut)).isEqualTo(SaleState.SOLD_OUT);
            assertThat(sale.stateAt(END.minusMillis(1), soldOut)).isEqualTo(SaleState.SOLD_OUT);
            // the window wins over stock: a sold-out sale is still scheduled before it starts and ended after it ends
            assertThat(sale.stateAt(START.minusMillis(1), soldOut)).isEqualTo(SaleState.SCHEDULED);
            assertThat(sale.stateAt(END, soldOut)).isEqualTo(SaleState.ENDED);
        }

        @Test
        void oneUnitLeftIsStillActive() {
            assertThat(sale.stateAt(START, StockFigures.of(10, 9, 0))).isEqualTo(SaleState.ACTIVE);
        }
    }
}
