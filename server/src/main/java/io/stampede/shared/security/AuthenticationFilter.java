package io.stampede.shared.security;

import io.stampede.shared.web.ApiException;
import io.stampede.shared.web.ProblemWriter;
import io.stampede.shared.web.RequestFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

/**
 * Who may call what: {@code /api/admin/**} needs the admin token, shopper endpoints a valid shopper JWT;
 * the sale catalogue (and its stream), the coupon campaigns, demo login, payment callbacks (signed instead), actuator
 * and the pages are open.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class AuthenticationFilter extends RequestFilter {
    private static final String BEARER = "Bearer ";

    private final byte[] adminToken;
    private final ShopperTokens tokens;
    private final ProblemWriter problems;

    public AuthenticationFilter(Secrets secrets, ShopperTokens tokens, ProblemWriter problems) {
        this.adminToken = secrets.adminToken().getBytes(StandardCharsets.UTF_8);
        this.tokens = tokens;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith("/api/") || isOpen(request.getMethod(), path)) {
            chain.doFilter(request, response);
            return;
        }
        String credential = bearer(request);
        if (path.startsWith("/api/admin/")) {
            if (credential == null || !MessageDigest.isEqual(adminToken, credential.getBytes(StandardCharsets.UTF_8))) {
                problems.write(request, response, ApiException.unauthenticated("the admin token is missing or wrong"));
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        String userId = credential == null ? null : tokens.verify(credential).orElse(null);
        if (userId == null) {
            problems.write(
                    request,
                    response,
                    ApiException.unauthenticated("a valid shopper token is required (Authorization: Bearer <JWT>)"));
            return;
        }
        request.setAttribute(Shopper.ATTRIBUTE, userId);
        chain.doFilter(request, response);
    }

    /** A draw's published record and entry list: anyone may check a draw (docs/fair-drops.md). */
    private static boolean isPublishedDraw(String path) {
        if (!path.startsWith("/api/sales/")) {
            return false;
        }
        int slash = path.indexOf('/', "/api/sales/".length());
        if (slash < 0) {
            return false;
        }
        String rest = path.substring(slash);
        return rest.equals("/draw") || rest.equals("/draw/entries");
    }

    private static boolean isOpen(String method, String path) {
        if (path.equals("/api/session") || path.equals("/api/payments/callback")) {
            return true;
        }
        boolean read = HttpMethod.GET.matches(method) || HttpMethod.HEAD.matches(method);
        if (!read) {
            return false;
        }
        return path.equals("/api/sales")
                || path.equals("/api/stream/sales")
                || path.equals("/api/coupon-campaigns")
                || (path.startsWith("/api/sales/") && path.indexOf('/', "/api/sales/".length()) < 0)
                || isPublishedDraw(path)
                || (path.startsWith("/api/coupon-campaigns/")
                        && path.indexOf('/', "/api/coupon-campaigns/".length()) < 0);
    }

    private static @Nullable String bearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null
                || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String value = header.substring(BEARER.length()).trim();
        return value.isEmpty() || value.length() > 4096 ? null : value;
    }
}
