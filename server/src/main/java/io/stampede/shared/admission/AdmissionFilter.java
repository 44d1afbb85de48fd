package io.stampede.shared.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.live.AttemptCounts;
import io.stampede.shared.web.ApiException;
import io.stampede.shared.web.ErrorCode;
import io.stampede.shared.web.ProblemWriter;
import io.stampede.shared.web.RequestFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Admission control for purchases, coupon claims, room joins and draw entries, the first thing such a request meets
 * (after the plain-path check): a bound on attempts in progress, with a bounded queue in front of it whose waiters
 * give up after a short timeout, answering 429 {@code RATE_LIMITED} with Retry-After. An overload thus turns into fast rejections
 * (immediate once the queue is full) instead of queues that grow until everything times out, and the attempts that
 * are admitted finish in about the time a full set of them takes.
 *
 * <p>It runs before authentication and before the request metrics, so that turning an attempt away costs as little
 * as possible: under overload most attempts are turned away, and every cycle they take is one a purchase lacks. An
 * unauthenticated request holds its place only until its 401. The token buckets (per user, then per instance) need
 * the verified user, so that one abuser or an anonymous flood cannot spend everyone's budget, and live in
 * {@link RateLimitFilter}, after authentication. Rejections are counted in {@code stampede.admission.rejected}, not
 * in {@code http.server.requests}.
 */
@Component
// ahead of Spring Boot's request-metrics filter (HIGHEST_PRECEDENCE + 1); a tie with PlainPathFilter is harmless,
// since a path that is not plain is no attempt here and is refused there either way
@Order(Ordered.HIGHEST_PRECEDENCE)
public class AdmissionFilter extends RequestFilter {
    private final ProblemWriter problems;
    private final Semaphore inFlight;
    private final AtomicInteger queued = new AtomicInteger();
    private final int maxQueued;
    private final long queueTimeoutNanos;
    private final Counter saturated;
    private final AttemptCounts attempts;

    public AdmissionFilter(
            SharedSettings properties, ProblemWriter problems, MeterRegistry meters, AttemptCounts attempts) {
        SharedSettings.Admission a = properties.admission();
        this.attempts = attempts;
        this.problems = problems;
        this.inFlight = new Semaphore(a.maxInFlight());
        this.maxQueued = a.maxQueued();
        this.queueTimeoutNanos = a.queueTimeout().toNanos();
        Gauge.builder("stampede.admission.in.flight", inFlight, s -> a.maxInFlight() - s.availablePermits())
                .description("purchase and claim attempts in progress")
                .register(meters);
        Gauge.builder("stampede.admission.queued", queued, AtomicInteger::get)
                .description("attempts waiting for admission")
                .register(meters);
        this.saturated = Counter.builder("stampede.admission.rejected")
                .tag("reason", "saturated")
                .register(meters);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isAttempt(request);
    }

    /**
     * A purchase, a coupon claim, a waiting room's join or a draw's entry: the endpoints a flash sale's crowd (and its
     * bots) hit at once, so each is bounded and rate-limited per user like a purchase.
     */
    static boolean isAttempt(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return false;
        }
        String path = request.getRequestURI();
        if (path.startsWith("/api/sales/")) {
            return path.endsWith("/purchases") || path.endsWith("/room") || path.endsWith("/entries");
        }
        return path.startsWith("/api/coupon-campaigns/") && path.endsWith("/claims");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!admit()) {
            saturated.increment();
            attempts.refusedAtAdmission(request.getRequestURI());
            // 429, not 503: the contract keeps 503 for a backing service that is down, and Tomcat closes the
            // connection after every 503, so a 503 here would make each turned-away shopper (or the load balancer)
            // open a new connection: under overload, most of the CPU went to those handshakes
            problems.writeRepeated(
                    request,
                    response,
                    rateLimited(
                            queueTimeoutNanos,
                            "the service is at capacity: too many attempts in progress; retry shortly"));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            inFlight.release();
        }
    }

    /** A permit at once, or after a bounded wait in a bounded queue; false when there is neither. */
    private boolean admit() {
        if (inFlight.tryAcquire()) {
            return true;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return false;
        }
        try {
            return inFlight.tryAcquire(queueTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            queued.decrementAndGet();
        }
    }

    /** Attempts waiting for admission right now. */
    int queuedNow() {
        return queued.get();
    }

    /** 429 RATE_LIMITED with a Retry-After of the whole seconds it is worth waiting (at least one). */
    static ApiException rateLimited(long nanosToWait, String why) {
        int seconds = (int) Math.max(1, (nanosToWait + 999_999_999L) / 1_000_000_000L);
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.RATE_LIMITED, why, seconds);
    }
}
