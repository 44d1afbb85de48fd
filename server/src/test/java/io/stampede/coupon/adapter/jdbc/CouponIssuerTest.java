package io.stampede.coupon.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.domain.CouponStatus;
import io.stampede.coupon.port.CampaignRepository;
import io.stampede.coupon.port.CouponIssuer;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.event.port.Outbox;
import io.stampede.testsupport.InlineTransactions;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The claim's transaction tells a failure before its commit (rolled back: not written) from a failed commit (written
 * or not, unknown), settles the latter only once every claim transaction on the campaign row has ended, and answers
 * what the database refused as values.
 */
class CouponIssuerTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Campaign CAMPAIGN = new Campaign(
            "c-1", "campaign", 10, 1, NOW.minusSeconds(60), NOW.plusSeconds(3600), 500, NOW.minusSeconds(120));
    private static final Coupon COUPON =
            new Coupon("coupon-1", "c-1", "u1", "k1", "CODE1", CouponStatus.CLAIMED, null, 500, NOW);

    private final CouponRepository coupons = mock(CouponRepository.class);
    private final CampaignRepository campaigns = mock(CampaignRepository.class);
    private final InlineTransactions transactions = new InlineTransactions();
    private final JdbcCouponIssuer issuer =
            new JdbcCouponIssuer(coupons, campaigns, mock(Outbox.class), new TransactionTemplate(transactions));

    {
        when(campaigns.lockGateEpoch("c-1")).thenReturn(3L);
        when(campaigns.countIssued("c-1")).thenReturn(true);
    }

    @Test
    void aFailureBeforeTheCommitIsNotWritten() {
        when(campaigns.countIssued("c-1")).thenThrow(new DataAccessResourceFailureException("statement failed"));

        assertThat(issuer.issue(CAMPAIGN, COUPON, 3)).isInstanceOf(CouponIssuer.Issue.Failed.class);
        assertThat(transactions.rollbacks()).isEqualTo(1);
    }

    @Test
    void aFailedCommitIsInDoubt() {
        transactions.failCommits(1, new DataAccessResourceFailureException("connection reset during COMMIT"));

        assertThat(issuer.issue(CAMPAIGN, COUPON, 3)).isInstanceOf(CouponIssuer.Issue.InDoubt.class);
    }

    @Test
    void theDatabaseRefusesAClaimPastTheQuantityOrFromARebuiltGateAndRollsItBack() {
        when(campaigns.countIssued("c-1")).thenReturn(false);
        assertThat(issuer.issue(CAMPAIGN, COUPON, 3)).isInstanceOf(CouponIssuer.Issue.Exhausted.class);

        assertThat(issuer.issue(CAMPAIGN, COUPON, 2)).isInstanceOf(CouponIssuer.Issue.StaleGate.class);
        assertThat(transactions.rollbacks()).isEqualTo(2);
    }

    @Test
    void aUserWhoseSlotsAreFullIsRefusedBeforeAnythingIsWritten() {
        when(coupons.countOf("c-1", "u1")).thenReturn(1);

        assertThat(issuer.issue(CAMPAIGN, COUPON, 3)).isInstanceOf(CouponIssuer.Issue.LimitReached.class);
    }

    @Test
    void aCommitInDoubtIsReadOnlyAfterTheCampaignRowIsTakenExclusively() {
        when(coupons.find("coupon-1")).thenReturn(Optional.of(COUPON));

        assertThat(issuer.writtenAfterAll("c-1", "coupon-1")).isTrue();

        InOrder order = inOrder(campaigns, coupons);
        order.verify(campaigns).lockExclusively("c-1");
        order.verify(coupons).find("coupon-1");
    }
}
