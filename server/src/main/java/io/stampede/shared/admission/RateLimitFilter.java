package io.stampede.shared.admission;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.shared.Caches;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.live.AttemptCounts;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ProblemWriter;
import io.stampede.shared.web.RequestFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The rate limits on purchases, coupon claims, room joins and draw entries (Bucket4j), answering 429 with
 * Retry-After: first a token bucket per verified user (kept for the most recently seen users), then one for the
 * instance. They run after authentication, which tells whose attempt it is, and in that order, so that neither an
 * anonymous flood nor one user past their own limit spends the instance's budget. The bound on attempts in progress comes earlier, in
 * {@link AdmissionFilter}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
public class RateLimitFilter extends RequestFilter {
    private final ProblemWriter problems;
    private final int perUser;
    private final Bucket global;
    private final Cache<String, Bucket> users;
    private final Counter limited;
    private final AttemptCounts attempts;

    public RateLimitFilter(
            SharedSettings properties, ProblemWriter problems, MeterRegistry meters, AttemptCounts attempts) {
        SharedSettings.Admission a = properties.admission();
        this.attempts = attempts;
        this.problems = problems;
        this.perUser = a.perUserPerSecond();
        this.global = Bucket.builder().addLimit(perSecond(a.globalPerSecond())).build();
        this.users = Caches.newBuilder()
                .maximumSize(a.maxTrackedUsers())
                .expireAfterAccess(Duration.ofMinutes(1))
                .build();
        this.limited = Counter.builder("stampede.admission.rejected")
                .tag("reason", "rate_limited")
                .register(meters);
    }

    private static Bandwidth perSecond(int n) {
        return Bandwidth.builder()
                .capacity(n)
                .refillGreedy(n, Duration.ofSeconds(1))
                .build();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !AdmissionFilter.isAttempt(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ConsumptionProbe mine = users.get(
                        Shopper.userId(request),
                        k -> Bucket.builder().addLimit(perSecond(perUser)).build())
                .tryConsumeAndReturnRemaining(1);
        if (!mine.isConsumed()) {
            limited.increment();
            attempts.refusedAtAdmission(request.getRequestURI());
            problems.writeRepeated(
                    request,
                    response,
                    AdmissionFilter.rateLimited(mine.getNanosToWaitForRefill(), "too many attempts from this user"));
            return;
        }
        ConsumptionProbe all = global.tryConsumeAndReturnRemaining(1);
        if (!all.isConsumed()) {
            limited.increment();
            attempts.refusedAtAdmission(request.getRequestURI());
            problems.writeRepeated(
                    request,
                    response,
                    AdmissionFilter.rateLimited(
                            all.getNanosToWaitForRefill(), "the service is taking as many attempts as it can"));
            return;
        }
        chain.doFilter(request, response);
    }
}
