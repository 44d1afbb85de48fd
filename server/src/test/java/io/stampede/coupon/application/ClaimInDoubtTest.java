package io.stampede.coupon.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A claim whose coupon write failed: the unit goes back to the gate only when the coupon is surely not written;
 * when the write's fate is unknown, the campaign's gate is rebuilt (fenced by its epoch) instead, because a commit
 * still landing after a give-back would issue one coupon too many.
 */
class ClaimInDoubtTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Campaign CAMPAIGN = new Campaign("c-1", "campaign", 10, 1, NOW.minusSeconds(60),
            NOW.plusSeconds(3600), 500, NOW.minusSeconds(120));
    private static final Coupon COUPON = new Coupon("coupon-1", "c-1", "u1", "k1", "CODE1", CouponStatus.CLAIMED, null,
            500, NOW);

    private final PurchaseGate gate = mock(PurchaseGate.class);
    private final CampaignService campaigns = mock(CampaignService.class);
    private final CouponClaims claims = new CouponClaims(gate, mock(CouponRepository.class), campaigns,
            mock(Outbox.class), new TransactionTemplate(new InlineTransactions()), Clock.fixed(NOW, ZoneOffset.UTC),
            CircuitBreaker.ofDefaults("gate"));

    @Test
    void aWriteWhoseFateIsUnknownRebuildsTheGateInsteadOfGivingTheUnitBack() {
        when(campaigns.isCurrentGate(anyString(), anyLong()))
                .thenThrow(new DataAccessResourceFailureException("connection reset during COMMIT"));

        assertThat(claims.write(CAMPAIGN, COUPON, 3)).isInstanceOf(ClaimOutcome.Unavailable.class);

        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
        verify(campaigns).rebuildGate(CAMPAIGN);
    }

    @Test
    void noConnectionMeansNothingWasWrittenSoTheUnitGoesBack() {
        when(campaigns.isCurrentGate(anyString(), anyLong()))
                .thenThrow(new CannotGetJdbcConnectionException("database down"));

        assertThat(claims.write(CAMPAIGN, COUPON, 3)).isInstanceOf(ClaimOutcome.Unavailable.class);

        verify(gate).compensate("c-1", "u1", "k1", "coupon-1", 1);
        verify(campaigns, never()).rebuildGate(CAMPAIGN);
    }
}
