package io.stampede.coupon.application;

import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.CampaignRules;
import io.stampede.coupon.port.CampaignRepository;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.inventory.application.InFlightReservations;
import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.shared.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Creating and reading coupon campaigns, and building their gates from the database. */
@Service
public class CampaignService {
    private static final Logger log = LoggerFactory.getLogger(CampaignService.class);

    private final CampaignRepository campaigns;
    private final CouponRepository coupons;
    private final PurchaseGate gate;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final ConcurrentHashMap<String, Campaign> definitions = new ConcurrentHashMap<>();
    private static final Duration ENDED_GRACE = Duration.ofMinutes(1);
    private final InFlightReservations inFlight;

    public CampaignService(
            CampaignRepository campaigns,
            CouponRepository coupons,
            @Qualifier("couponGate") PurchaseGate gate,
            InFlightReservations inFlight,
            Clock clock,
            TransactionTemplate tx) {
        this.inFlight = inFlight;
        this.tx = tx;
        this.campaigns = campaigns;
        this.coupons = coupons;
        this.gate = gate;
        this.clock = clock;
    }

    /** A campaign with how many coupons were issued. */
    public record CampaignWithCount(Campaign campaign, long issued) {
        public long remaining() {
            return Math.max(0, campaign.quantity() - issued);
        }
    }

    /** What creating a campaign came to. */
    public sealed interface Creation {
        record Created(CampaignWithCount campaign) implements Creation {}

        /** The draft breaks the contract's rules; nothing was created. */
        record Invalid(List<String> violations) implements Creation {}
    }

    public Creation create(CampaignRules.Draft draft) {
        List<String> violations = CampaignRules.violations(draft);
        if (!violations.isEmpty()) {
            return new Creation.Invalid(violations);
        }
        Campaign campaign = CampaignRules.create(Ids.newId(), draft, clock.instant());
        tx.executeWithoutResult(s -> campaigns.insert(campaign));
        definitions.put(campaign.id(), campaign);
        rebuildGate(campaign);
        log.info(
                "Coupon campaign {} created: {} coupons of {} cents, {} per user",
                campaign.id(),
                campaign.quantity(),
                campaign.discountCents(),
                campaign.perUserLimit());
        return new Creation.Created(new CampaignWithCount(campaign, 0));
    }

    public Optional<Campaign> definition(String id) {
        if (!Ids.isWellFormed(id)) {
            return Optional.empty();
        }
        Campaign known = definitions.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Campaign> loaded = campaigns.find(id);
        loaded.ifPresent(c -> definitions.put(id, c));
        return loaded;
    }

    /**
     * Forgets the definitions of campaigns that ended more than a minute ago, and the admission counts of their
     * gates; a late request loads the definition again and is forgotten at the next pass. Returns how many.
     */
    @Scheduled(fixedDelayString = "${stampede.ended-sales.interval:60s}")
    public int forgetEnded() {
        Instant horizon = clock.instant().minus(ENDED_GRACE);
        int forgotten = 0;
        for (Campaign campaign : List.copyOf(definitions.values())) {
            if (campaign.endsAt().isBefore(horizon)) {
                definitions.remove(campaign.id(), campaign);
                inFlight.forget(campaign.id());
                forgotten++;
            }
        }
        return forgotten;
    }

    /** The newest campaigns (at most 200) with their counts of coupons issued: one query. */
    public List<CampaignWithCount> list() {
        return campaigns.listWithIssued(200).stream()
                .map(e -> new CampaignWithCount(e.getKey(), e.getValue()))
                .toList();
    }

    /** The campaign with its count of coupons issued; empty for an unknown or malformed id. */
    public Optional<CampaignWithCount> get(String id) {
        return definition(id).map(c -> new CampaignWithCount(c, campaigns.issued(id)));
    }

    /**
     * Builds the campaign's gate from the coupons issued: the database is the truth. The epoch moves on first, in its
     * own transaction: claims granted by the old gate are refused from then on, and the bump waits for those being
     * written right now, so the count below has them.
     */
    public boolean rebuildGate(Campaign c) {
        return gate.rebuild(c.id(), () -> {
            long epoch = tx.execute(s -> campaigns.bumpGateEpoch(c.id()));
            return new GateState(
                    c.startsAt().toEpochMilli(),
                    c.endsAt().toEpochMilli(),
                    c.perUserLimit(),
                    Math.max(0, c.quantity() - campaigns.issued(c.id())),
                    coupons.countsByUser(c.id()),
                    coupons.idsByKey(c.id()),
                    Set.of(),
                    epoch);
        });
    }
}
