package io.stampede.coupon.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.domain.CouponStatus;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.testsupport.InlineTransactions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A claim whose coupon write failed. Before its commit, the transaction rolled back: the unit goes back at once.
 * At its commit, the coupon may still be landing: the answer waits until every claim transaction on the campaign
 * row has ended, then reads; if even that fails the unit stays held (one coupon too few, never one too many).
 */
class ClaimInDoubtTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Campaign CAMPAIGN = new Campaign("c-1", "campaign", 10, 1, NOW.minusSeconds(60),
            NOW.plusSeconds(3600), 500, NOW.minusSeconds(120));
    private static final Coupon COUPON = new Coupon("coupon-1", "c-1", "u1", "k1", "CODE1", CouponStatus.CLAIMED, null,
            500, NOW);

    private final PurchaseGate gate = mock(PurchaseGate.class);
    private final CampaignService campaigns = mock(CampaignService.class);
    private final CouponRepository coupons = mock(CouponRepository.class);
    private final InlineTransactions transactions = new InlineTransactions();
    private final CouponClaims claims = new CouponClaims(gate, coupons, campaigns, mock(Outbox.class),
            new TransactionTemplate(transactions), Clock.fixed(NOW, ZoneOffset.UTC), CircuitBreaker.ofDefaults("gate"));

    {
        when(campaigns.isCurrentGate(anyString(), anyLong())).thenReturn(true);
    }

    private void commitFails() {
        transactions.failCommits(1, new DataAccessResourceFailureException("connection reset during COMMIT"));
    }

    @Test
    void aFailureBeforeTheCommitRolledBackSoTheUnitGoesBackAtOnce() {
        when(campaigns.isCurrentGate(anyString(), anyLong()))
                .thenThrow(new DataAccessResourceFailureException("statement failed"));

        assertThat(claims.write(CAMPAIGN, COUPON, 3)).isInstanceOf(ClaimOutcome.Unavailable.class);

        verify(gate).compensate("c-1", "u1", "k1", "coupon-1", 1);
        verify(campaigns, never()).lockExclusively(anyString());
    }

    @Test
    void aCommitInDoubtThatLandedIsTheClaim() {
        commitFails();
        when(coupons.find("coupon-1")).thenReturn(Optional.of(COUPON));

        assertThat(claims.write(CAMPAIGN, COUPON, 3)).isInstanceOf(ClaimOutcome.Claimed.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aCommitInDoubtIsReadOnlyAfterEveryClaimTransactionEndedAndAbsentGivesTheUnitBack() {
        commitFails();
        when(coupons.find("coupon-1")).thenReturn(Optional.empty());

        assertThat(claims.write(CAMPAIGN, COUPON, 3)).isInstanceOf(ClaimOutcome.Unavailable.class);

        InOrder order = inOrder(campaigns, coupons, gate);
        order.verify(campaigns).lockExclusively("c-1");
        order.verify(coupons).find("coupon-1");
        order.verify(gate).compensate("c-1", "u1", "k1", "coupon-1", 1);
    }

    @Test
    void aCommitInDoubtThatCannotBeSettledKeepsItsUnitHeld() {
        commitFails();
        doThrow(new CannotGetJdbcConnectionException("database gone")).when(campaigns).lockExclusively("c-1");

        assertThat(claims.write(CAMPAIGN, COUPON, 3)).isInstanceOf(ClaimOutcome.Unavailable.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }
}
