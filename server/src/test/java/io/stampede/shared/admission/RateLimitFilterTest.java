package io.stampede.shared.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.live.AttemptCounts;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ProblemWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The token buckets after authentication: the user's own first, then the instance's, so that an attempt refused for
 * its user spends nothing of the instance's budget, and nothing but purchases and claims is counted.
 */
class RateLimitFilterTest {
    private final AtomicInteger served = new AtomicInteger();
    private final AttemptCounts attempts =
            new AttemptCounts(Clock.fixed(Instant.parse("2026-12-02T10:00:00.500Z"), ZoneOffset.UTC));
    private final RateLimitFilter filter = new RateLimitFilter(
            new SharedSettings(
                    null, "admin", null, "pay", false, null, new SharedSettings.Admission(2, 3, 0, 0, null, 100)),
            new ProblemWriter(JsonMapper.builder().build()),
            new SimpleMeterRegistry(),
            attempts);

    private MockHttpServletResponse attempt(String user) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/sales/s-1/purchases");
        request.setAttribute(Shopper.class.getName(), user);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> served.incrementAndGet());
        return response;
    }

    @Test
    void aUserPastTheirOwnLimitSpendsNothingOfTheInstancesBudget() throws Exception {
        List<Integer> hammer = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hammer.add(attempt("hammer").getStatus());
        }
        MockHttpServletResponse calm = attempt("calm");
        MockHttpServletResponse late = attempt("late");

        assertThat(hammer).containsExactly(200, 200, 429, 429, 429);
        assertThat(calm.getStatus())
                .as("the instance's third token is still there")
                .isEqualTo(200);
        assertThat(late.getStatus()).as("now the instance's budget is spent").isEqualTo(429);
        assertThat(late.getHeader("Retry-After")).isEqualTo("1");
        assertThat(late.getContentAsString()).contains("RATE_LIMITED").contains("as many attempts as it can");
        assertThat(served.get()).isEqualTo(3);
        List<AttemptCounts.Second> seconds = attempts.drain(Long.MAX_VALUE);
        assertThat(seconds)
                .as("the dashboard sees every refused purchase of the sale, in the second it happened")
                .singleElement()
                .satisfies(second -> {
                    assertThat(second.saleId()).isEqualTo("s-1");
                    assertThat(second.epochSecond())
                            .isEqualTo(Instant.parse("2026-12-02T10:00:00Z").getEpochSecond());
                    assertThat(second.count(AttemptCounts.Outcome.RATE_LIMITED)).isEqualTo(4);
                });
    }

    @Test
    void onlyPurchasesAndClaimsAreCounted() throws Exception {
        for (String[] call : new String[][] {
            {"GET", "/api/sales/s-1"},
            {"POST", "/api/admin/sales"},
            {"GET", "/api/sales/s-1/purchases"},
            {"POST", "/api/payments/callback"},
            {"GET", "/api/sales"}
        }) {
            MockHttpServletResponse response = new MockHttpServletResponse();
            // no verified user on these: a counted request would fail to find one
            filter.doFilter(new MockHttpServletRequest(call[0], call[1]), response, (q, r) -> served.incrementAndGet());
            assertThat(response.getStatus()).as(call[0] + " " + call[1]).isEqualTo(200);
        }
        assertThat(attempt("a").getStatus()).isEqualTo(200);
        MockHttpServletRequest claim = new MockHttpServletRequest("POST", "/api/coupon-campaigns/c-1/claims");
        claim.setAttribute(Shopper.class.getName(), "b");
        MockHttpServletResponse claimed = new MockHttpServletResponse();
        filter.doFilter(claim, claimed, (q, r) -> served.incrementAndGet());
        assertThat(claimed.getStatus()).isEqualTo(200);
        assertThat(attempt("c").getStatus()).isEqualTo(200);
        assertThat(attempt("d").getStatus())
                .as("the claim spent one of the instance's three tokens")
                .isEqualTo(429);
    }
}
