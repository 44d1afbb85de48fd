package io.stampede.coupon.port;

import io.stampede.coupon.domain.Campaign;
import java.util.Optional;

/** Where campaigns are kept. */
public interface CampaignRepository {
    void insert(Campaign campaign);

    Optional<Campaign> find(String id);

    /** Moves the campaign's gate epoch on (fencing claims granted by the gate before) and returns the new one. */
    long bumpGateEpoch(String id);

    /** What counting one more issued coupon found. */
    enum Count {
        /** Counted: the campaign has issued one more, still within its quantity. */
        COUNTED,
        /** The gate that granted the claim has been rebuilt since: nothing counted. */
        STALE_GATE,
        /** Every coupon of the campaign is issued already: nothing counted. */
        EXHAUSTED
    }

    /**
     * In the claim's transaction, its last statement: counts one more issued coupon while the campaign has issued
     * fewer than its quantity and the gate of {@code gateEpoch} is still current. The row stays locked until the
     * commit, so a rebuild's epoch bump waits for the claims already counted and reads their coupons.
     */
    Count countIssued(String id, long gateEpoch);

    /** Coupons the campaign has issued, as counted. */
    long issued(String id);

    /** Takes the campaign row exclusively until the transaction ends: waits for every claim that counted on it. */
    void lockExclusively(String id);
}
