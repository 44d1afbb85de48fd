package io.stampede.coupon.port;

import io.stampede.coupon.domain.Campaign;
import java.util.Optional;

/** Where campaigns are kept. */
public interface CampaignRepository {
    void insert(Campaign campaign);

    Optional<Campaign> find(String id);
}
