package io.stampede.coupon.domain;

import io.stampede.shared.InputRules;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The rules a new campaign must satisfy, and its defaults. */
public final class CampaignRules {
    public static final long MAX_QUANTITY = 10_000_000;
    public static final int MAX_PER_USER_LIMIT = 1_000;
    public static final long MAX_DISCOUNT_CENTS = 100_000_000_000L;

    private CampaignRules() {}

    /** A campaign as asked for; nulls are absent members. */
    public record Draft(
            String name, Long quantity, Integer perUserLimit, Instant startsAt, Instant endsAt, Long discountCents) {}

    public static List<String> violations(Draft d) {
        List<String> errors = new ArrayList<>();
        InputRules.text(errors, "name", d.name(), 200);
        if (d.quantity() == null || d.quantity() < 1 || d.quantity() > MAX_QUANTITY) {
            errors.add("quantity must be 1.." + MAX_QUANTITY);
        }
        if (d.perUserLimit() != null && (d.perUserLimit() < 1 || d.perUserLimit() > MAX_PER_USER_LIMIT)) {
            errors.add("perUserLimit must be 1.." + MAX_PER_USER_LIMIT);
        }
        if (d.startsAt() == null || d.endsAt() == null) {
            errors.add("startsAt and endsAt are required");
        } else if (!InputRules.isSupported(d.startsAt()) || !InputRules.isSupported(d.endsAt())) {
            errors.add("startsAt and endsAt must be between " + InputRules.EARLIEST + " and " + InputRules.LATEST);
        } else if (!d.endsAt().isAfter(d.startsAt())) {
            errors.add("endsAt must be after startsAt");
        }
        if (d.discountCents() == null || d.discountCents() < 0 || d.discountCents() > MAX_DISCOUNT_CENTS) {
            errors.add("discountCents must be 0.." + MAX_DISCOUNT_CENTS);
        }
        return errors;
    }

    public static Campaign create(String id, Draft d, Instant now) {
        return new Campaign(
                id,
                d.name().strip(),
                d.quantity(),
                d.perUserLimit() != null ? d.perUserLimit() : 1,
                d.startsAt().truncatedTo(ChronoUnit.MILLIS),
                d.endsAt().truncatedTo(ChronoUnit.MILLIS),
                d.discountCents(),
                now.truncatedTo(ChronoUnit.MILLIS));
    }
}
