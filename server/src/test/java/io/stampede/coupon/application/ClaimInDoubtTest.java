package io.stampede.coupon.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.port.CouponIssuer;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.inventory.application.GateAdmission;
import io.stampede.inventory.application.InFlightReservations;
import io.stampede.inventory.application.SoldOutFlags;
import io.stampede.inventory.application.WrongGates;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * A claim whose coupon write failed. Before its commit, the transaction rolled back: the unit goes back at once.
 * At its commit, the coupon may still be landing: the answer waits until every claim transaction on the campaign
 * row has ended, then reads; if even that fails the unit stays held (one coupon too few, never one too many).
 */
class ClaimInDoubtTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Campaign CAMPAIGN = new Campaign(
            "c-1", "campaign", 10, 1, NOW.minusSeconds(60), NOW.plusSeconds(3600), 500, NOW.minusSeconds(120));

    private final PurchaseGate gate = mock(PurchaseGate.class);
    private final CouponIssuer issuer = mock(CouponIssuer.class);
    private final CouponClaims claims = new CouponClaims(
            gate,
            mock(CouponRepository.class),
            issuer,
            mock(CampaignService.class),
            new GateAdmission(
                    CircuitBreaker.ofDefaults("gate"),
                    new InFlightReservations(),
                    new WrongGates(mock(SoldOutFlags.class), new SimpleMeterRegistry())),
            Clock.fixed(NOW, ZoneOffset.UTC));

    {
        when(gate.reserve(anyString(), anyString(), anyString(), anyInt(), anyString(), any()))
                .thenAnswer(call -> new Reservation.Reserved(call.getArgument(4), 3));
    }

    private ClaimOutcome claimWhenTheWriteEnds(CouponIssuer.Issue issue) {
        when(issuer.issue(any(), any(), anyLong())).thenReturn(issue);
        return claims.claim(CAMPAIGN, "u1", "k1");
    }

    @Test
    void aFailureBeforeTheCommitRolledBackSoTheUnitGoesBackAtOnce() {
        assertThat(claimWhenTheWriteEnds(new CouponIssuer.Issue.Failed("statement failed")))
                .isInstanceOf(ClaimOutcome.Unavailable.class);

        verify(gate).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
        verify(issuer, never()).writtenAfterAll(anyString(), anyString());
    }

    @Test
    void aCommitInDoubtThatLandedIsTheClaim() {
        when(issuer.writtenAfterAll(anyString(), anyString())).thenReturn(true);

        assertThat(claimWhenTheWriteEnds(new CouponIssuer.Issue.InDoubt("connection reset during COMMIT")))
                .isInstanceOf(ClaimOutcome.Claimed.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aCommitInDoubtIsReadOnlyAfterEveryClaimTransactionEndedAndAbsentGivesTheUnitBack() {
        when(issuer.writtenAfterAll(anyString(), anyString())).thenReturn(false);

        assertThat(claimWhenTheWriteEnds(new CouponIssuer.Issue.InDoubt("connection reset during COMMIT")))
                .isInstanceOf(ClaimOutcome.Unavailable.class);

        InOrder order = inOrder(issuer, gate);
        order.verify(issuer).writtenAfterAll(anyString(), anyString());
        order.verify(gate).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aCommitInDoubtThatCannotBeSettledKeepsItsUnitHeld() {
        when(issuer.writtenAfterAll(anyString(), anyString()))
                .thenThrow(new CannotGetJdbcConnectionException("database gone"));

        assertThat(claimWhenTheWriteEnds(new CouponIssuer.Issue.InDoubt("connection reset during COMMIT")))
                .isInstanceOf(ClaimOutcome.Unavailable.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aClaimTheDatabaseRefusesIsAnsweredSoldOutAndItsUnitIsNotHandedBackToTheGateThatLied() {
        assertThat(claimWhenTheWriteEnds(new CouponIssuer.Issue.Exhausted())).isInstanceOf(ClaimOutcome.SoldOut.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aClaimWhoseGateAnswerWasLostIsUndoneAtOnce() {
        when(gate.reserve(anyString(), anyString(), anyString(), anyInt(), anyString(), any()))
                .thenThrow(new QueryTimeoutException("Redis command timed out"));

        assertThat(claims.claim(CAMPAIGN, "u1", "k1")).isInstanceOf(ClaimOutcome.Unavailable.class);
        verify(gate).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
        verify(issuer, never()).issue(any(), any(), anyLong());
    }
}
