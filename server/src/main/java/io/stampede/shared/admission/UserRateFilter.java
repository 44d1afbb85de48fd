package io.stampede.shared.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.shared.StampedeProperties;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The per-user limit on purchases and coupon claims: a token bucket per verified user (Bucket4j, kept for the most
 * recently seen users), answering 429 with Retry-After. It runs after authentication, which tells whose attempt it
 * is; the instance-wide limits come earlier, in {@link AdmissionFilter}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
public class UserRateFilter extends OncePerRequestFilter {
    private final ProblemWriter problems;
    private final int perUser;
    private final Cache<String, Bucket> users;
    private final Counter limited;

    public UserRateFilter(StampedeProperties properties, ProblemWriter problems, MeterRegistry meters) {
        StampedeProperties.Admission a = properties.admission();
        this.problems = problems;
        this.perUser = a.perUserPerSecond();
        this.users = Caffeine.newBuilder().maximumSize(a.maxTrackedUsers())
                .expireAfterAccess(Duration.ofMinutes(1)).build();
        this.limited = Counter.builder("stampede.admission.rejected").tag("reason", "rate_limited").register(meters);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !AdmissionFilter.isAttempt(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ConsumptionProbe mine = users.get(Shopper.userId(request),
                        k -> Bucket.builder().addLimit(AdmissionFilter.perSecond(perUser)).build())
                .tryConsumeAndReturnRemaining(1);
        if (!mine.isConsumed()) {
            limited.increment();
            problems.write(request, response,
                    AdmissionFilter.rateLimited(mine.getNanosToWaitForRefill(), "too many attempts from this user"));
            return;
        }
        chain.doFilter(request, response);
    }
}
