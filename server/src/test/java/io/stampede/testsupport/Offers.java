package io.stampede.testsupport;

import io.stampede.coupon.application.CampaignService;
import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.CampaignRules;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleRules;
import io.stampede.sale.domain.StockStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The one builder of the sales and coupon campaigns tests open: every field has the contract's default or a
 * harmless value, and a test says only what matters to it ({@code Offers.sale().stock(5).limit(2).openWith(sales)}).
 * Windows open five seconds ago and close in an hour, on the clock given (the real one by default).
 */
public final class Offers {
    private Offers() {}

    public static SaleBuilder sale() {
        return new SaleBuilder();
    }

    public static CampaignBuilder campaign() {
        return new CampaignBuilder();
    }

    /** A sale to open. */
    public static final class SaleBuilder {
        private String name = "test sale";
        private String sku = "SKU-TEST";
        private long stock = 10;
        private long priceCents = 1000;
        private int limit = 1;
        private Duration paymentTimeout = Duration.ofMinutes(15);
        private StockStrategy strategy = StockStrategy.REDIS_LUA;
        private Intake intake = Intake.DIRECT;
        private int segments = 1;
        private Clock clock = Clock.systemUTC();
        private Instant startsAt;
        private Instant endsAt;

        public SaleBuilder name(String name) {
            this.name = name;
            return this;
        }

        public SaleBuilder sku(String sku) {
            this.sku = sku;
            return this;
        }

        public SaleBuilder stock(long stock) {
            this.stock = stock;
            return this;
        }

        public SaleBuilder price(long priceCents) {
            this.priceCents = priceCents;
            return this;
        }

        public SaleBuilder limit(int perUserLimit) {
            this.limit = perUserLimit;
            return this;
        }

        public SaleBuilder paymentTimeout(Duration timeout) {
            this.paymentTimeout = timeout;
            return this;
        }

        public SaleBuilder strategy(StockStrategy strategy) {
            this.strategy = strategy;
            return this;
        }

        public SaleBuilder intake(Intake intake) {
            this.intake = intake;
            return this;
        }

        /** The window's default is measured from this clock (a test's mutable one). */
        public SaleBuilder on(Clock clock) {
            this.clock = clock;
            return this;
        }

        public SaleBuilder window(Instant startsAt, Instant endsAt) {
            this.startsAt = startsAt;
            this.endsAt = endsAt;
            return this;
        }

        /** A gate spread over this many Redis hash slots. */
        public SaleBuilder segments(int gateSegments) {
            this.segments = gateSegments;
            return this;
        }

        public SaleBuilder endsIn(Duration duration) {
            this.endsAt = clock.instant().plus(duration);
            return this;
        }

        public SaleRules.Draft draft() {
            Instant now = clock.instant();
            return new SaleRules.Draft(
                    name,
                    sku,
                    stock,
                    priceCents,
                    startsAt != null ? startsAt : now.minusSeconds(5),
                    endsAt != null ? endsAt : now.plus(Duration.ofHours(1)),
                    limit,
                    paymentTimeout,
                    strategy,
                    intake,
                    segments);
        }

        /**
         * The sale as if created a minute before it starts, without a service: for unit tests that need a {@link Sale}
         * and nothing behind it.
         */
        public Sale definition(String id) {
            SaleRules.Draft d = draft();
            return new Sale(
                    id,
                    name,
                    sku,
                    priceCents,
                    d.startsAt(),
                    d.endsAt(),
                    limit,
                    paymentTimeout,
                    strategy,
                    intake,
                    segments,
                    stock,
                    d.startsAt().minusSeconds(60));
        }

        /** Creates the sale; fails the test if the service refuses it. */
        public Sale openWith(SaleService sales) {
            return switch (sales.create(draft())) {
                case SaleService.Creation.Created c -> c.sale().sale();
                case SaleService.Creation.Invalid i -> throw new AssertionError("sale refused: " + i.violations());
            };
        }
    }

    /** A coupon campaign to open. */
    public static final class CampaignBuilder {
        private String name = "test campaign";
        private long quantity = 10;
        private int limit = 1;
        private long discountCents = 100;
        private Clock clock = Clock.systemUTC();

        public CampaignBuilder name(String name) {
            this.name = name;
            return this;
        }

        public CampaignBuilder quantity(long quantity) {
            this.quantity = quantity;
            return this;
        }

        public CampaignBuilder limit(int perUserLimit) {
            this.limit = perUserLimit;
            return this;
        }

        public CampaignBuilder discount(long discountCents) {
            this.discountCents = discountCents;
            return this;
        }

        public CampaignBuilder on(Clock clock) {
            this.clock = clock;
            return this;
        }

        public CampaignRules.Draft draft() {
            Instant now = clock.instant();
            return new CampaignRules.Draft(
                    name, quantity, limit, now.minusSeconds(5), now.plus(Duration.ofHours(1)), discountCents);
        }

        /** Creates the campaign; fails the test if the service refuses it. */
        public Campaign openWith(CampaignService campaigns) {
            return switch (campaigns.create(draft())) {
                case CampaignService.Creation.Created c -> c.campaign().campaign();
                case CampaignService.Creation.Invalid i ->
                    throw new AssertionError("campaign refused: " + i.violations());
            };
        }
    }
}
