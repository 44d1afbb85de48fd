package io.stampede.coupon.port;

import io.stampede.coupon.domain.Campaign;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where campaigns are kept. */
public interface CampaignRepository {
    /** Inserts the campaign and its count of issued coupons; the caller owns the transaction. */
    void insert(Campaign campaign);

    Optional<Campaign> find(String id);

    /** The newest campaigns with their counts of issued coupons, at most {@code limit}. */
    List<Map.Entry<Campaign, Long>> listWithIssued(int limit);

    /** Moves the campaign's gate epoch on (fencing claims granted by the gate before) and returns the new one. */
    long bumpGateEpoch(String id);

    /** The campaign's gate epoch, with the row held in share mode until the transaction ends (a bump waits). */
    long lockGateEpoch(String id);

    /**
     * In the claim's transaction, its last statement: counts one more issued coupon while the campaign has issued
     * fewer than its quantity; false, counting nothing, when it has issued them all. The count's row stays locked until
     * the commit.
     */
    boolean countIssued(String id);

    /** Coupons the campaign has issued, as counted. */
    long issued(String id);

    /** Takes the campaign row exclusively until the transaction ends: waits for every claim holding it shared. */
    void lockExclusively(String id);
}
