package io.stampede.shared.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.shared.ApiException;
import io.stampede.shared.ErrorCode;
import io.stampede.shared.StampedeProperties;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Admission control in front of the gate, for purchases and coupon claims: a token bucket per user and one for the
 * instance (Bucket4j) answer 429 with Retry-After, and a bound on attempts in progress answers 503 at once, so an
 * overload turns into fast rejections instead of queues that grow until everything times out.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
public class AdmissionFilter extends OncePerRequestFilter {
    private final ProblemWriter problems;
    private final int perUser;
    private final Bucket global;
    private final Cache<String, Bucket> users;
    private final Semaphore inFlight;
    private final Counter limited;
    private final Counter saturated;

    public AdmissionFilter(StampedeProperties properties, ProblemWriter problems, MeterRegistry meters) {
        StampedeProperties.Admission a = properties.admission();
        this.problems = problems;
        this.perUser = a.perUserPerSecond();
        this.global = Bucket.builder().addLimit(perSecond(a.globalPerSecond())).build();
        this.users = Caffeine.newBuilder().maximumSize(a.maxTrackedUsers()).expireAfterAccess(Duration.ofMinutes(1)).build();
        this.inFlight = new Semaphore(a.maxInFlight());
        this.limited = Counter.builder("stampede.admission.rejected").tag("reason", "rate_limited").register(meters);
        this.saturated = Counter.builder("stampede.admission.rejected").tag("reason", "saturated").register(meters);
    }

    private static Bandwidth perSecond(int n) {
        return Bandwidth.builder().capacity(n).refillGreedy(n, Duration.ofSeconds(1)).build();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return true;
        }
        String path = request.getRequestURI();
        return !(path.startsWith("/api/sales/") && path.endsWith("/purchases"))
                && !(path.startsWith("/api/coupon-campaigns/") && path.endsWith("/claims"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String userId = Shopper.userId(request);
        ConsumptionProbe mine = users.get(userId, k -> Bucket.builder().addLimit(perSecond(perUser)).build())
                .tryConsumeAndReturnRemaining(1);
        if (!mine.isConsumed()) {
            reject(request, response, mine.getNanosToWaitForRefill(), "too many attempts from this user");
            return;
        }
        ConsumptionProbe all = global.tryConsumeAndReturnRemaining(1);
        if (!all.isConsumed()) {
            reject(request, response, all.getNanosToWaitForRefill(), "the service is taking as many attempts as it can");
            return;
        }
        if (!inFlight.tryAcquire()) {
            saturated.increment();
            problems.write(request, response, ApiException.unavailable("too many attempts in progress; retry shortly"));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            inFlight.release();
        }
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, long nanosToWait, String why)
            throws IOException {
        limited.increment();
        int seconds = (int) Math.max(1, (nanosToWait + 999_999_999L) / 1_000_000_000L);
        problems.write(request, response, new ApiException(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.RATE_LIMITED, why,
                seconds));
    }
}
