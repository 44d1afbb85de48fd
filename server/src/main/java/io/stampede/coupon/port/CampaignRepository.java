package io.stampede.coupon.port;

import io.stampede.coupon.domain.Campaign;
import java.util.Optional;

/** Where campaigns are kept. */
public interface CampaignRepository {
    void insert(Campaign campaign);

    Optional<Campaign> find(String id);

    /** Moves the campaign's gate epoch on (fencing claims granted by the gate before) and returns the new one. */
    long bumpGateEpoch(String id);

    /** The campaign's gate epoch, with the row held in share mode until the transaction ends (a bump waits). */
    long lockGateEpoch(String id);

    /** Takes the campaign row exclusively until the transaction ends: waits for every claim holding it shared. */
    void lockExclusively(String id);
}
