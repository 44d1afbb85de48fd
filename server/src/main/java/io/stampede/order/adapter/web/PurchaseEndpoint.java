package io.stampede.order.adapter.web;

import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.coupon.domain.Coupon;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.PurchaseRules;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Access;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.shared.IdempotencyKeys;
import io.stampede.shared.security.AdmissionTokens;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ApiException;
import io.stampede.shared.web.BodySizeLimitFilter;
import io.stampede.shared.web.ErrorCode;
import io.stampede.shared.web.ProblemResponses;
import io.stampede.shared.web.ProblemWriter;
import io.stampede.shared.web.RequestFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/sales/{id}/purchases}, the hot path, answered here rather than by Spring MVC.
 *
 * <p>In a flash sale nearly every request is a purchase, and most of them are answered {@code SOLD_OUT}. A profile of
 * winners gave 23% of the CPU to MVC's dispatch, argument resolution and message conversion around a call that needs
 * none of it: one fixed route, one small JSON body, three headers. So the last filter answers this route itself, after
 * every other filter (plain path, admission, request metrics, body size, authentication, rate limits) has run as for
 * any request. It keeps the contract MVC gave it: the same refusals in the same order (an unreadable body before the
 * headers, then the key, the quantity, the sale), 415 for a body that is not JSON, 406 for a client that takes no
 * JSON, 405 with {@code Allow} for another method, the problem answers of {@link ProblemResponses} for failures, and
 * the route's tag in {@code http.server.requests}.
 */
@Component
@org.springframework.core.annotation.Order(Ordered.LOWEST_PRECEDENCE - 100)
class PurchaseEndpoint extends RequestFilter {
    /** The route, as {@code http.server.requests} tags it. */
    static final String ROUTE = "/api/sales/{id}/purchases";

    private static final String PREFIX = "/api/sales/";
    private static final String SUFFIX = "/purchases";

    private final SaleService sales;
    private final Purchases purchases;
    private final CouponRedemptions coupons;
    private final AdmissionTokens admissions;
    private final OrderRepository orders;
    private final ProblemWriter problems;
    private final ObjectReader requests;
    private final ObjectWriter views;

    PurchaseEndpoint(
            SaleService sales,
            Purchases purchases,
            CouponRedemptions coupons,
            AdmissionTokens admissions,
            OrderRepository orders,
            ProblemWriter problems,
            JsonMapper json) {
        this.sales = sales;
        this.purchases = purchases;
        this.coupons = coupons;
        this.admissions = admissions;
        this.orders = orders;
        this.problems = problems;
        this.requests = json.readerFor(PurchaseRequest.class);
        this.views = json.writerFor(OrderView.class);
    }

    record PurchaseRequest(Integer quantity, String couponCode) {}

    /** The sale id of a purchase path, or null for any other path. The path is plain ({@code PlainPathFilter}). */
    static @Nullable String saleIdOf(String path) {
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
            return null;
        }
        int end = path.length() - SUFFIX.length();
        if (end <= PREFIX.length() || path.indexOf('/', PREFIX.length()) != end) {
            return null;
        }
        return path.substring(PREFIX.length(), end);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return saleIdOf(pathOf(request)) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(c -> c.setPathPattern(ROUTE));
        String saleId = saleIdOf(pathOf(request));
        if (saleId == null) { // shouldNotFilter said otherwise: unreachable
            throw new IllegalStateException("not a purchase path: " + request.getRequestURI());
        }
        try {
            if (!"POST".equals(request.getMethod())) {
                response.setHeader(HttpHeaders.ALLOW, "POST");
                problems.write(
                        request,
                        response,
                        new ApiException(
                                HttpStatus.METHOD_NOT_ALLOWED,
                                ErrorCode.VALIDATION,
                                "Method '" + request.getMethod() + "' is not supported."));
                return;
            }
            purchase(saleId, request, response);
        } catch (IOException e) {
            throw e; // the client went away while its answer was written: nothing to answer
        } catch (Exception e) {
            if (!response.isCommitted()) {
                response.reset();
                problems.write(request, response, ProblemResponses.ofFailure(e, request));
            }
        }
    }

    private void purchase(String saleId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String userId = Shopper.userId(request);
        PurchaseRequest body = read(request);
        String key = request.getHeader("Idempotency-Key");
        if (!IdempotencyKeys.isValid(key)) {
            throw ApiException.validation("header Idempotency-Key is required: 1..64 of [A-Za-z0-9_-]");
        }
        if (!PurchaseRules.isValidQuantity(body.quantity())) {
            throw ApiException.validation("quantity must be 1.." + PurchaseRules.MAX_QUANTITY);
        }
        Sale sale = sales.definition(saleId).orElseThrow(() -> ApiException.notFound("sale"));
        if (sale.access() != Access.OPEN && refusedTurn(sale, userId, key, request, response)) {
            return;
        }
        @Nullable
        Coupon coupon = body.couponCode() == null
                ? null
                : switch (coupons.check(body.couponCode(), userId)) {
                    case CouponRedemptions.Check.Usable u -> u.coupon();
                    case CouponRedemptions.Check.NotYours n ->
                        throw ApiException.validation("couponCode is not a coupon you claimed");
                    case CouponRedemptions.Check.AlreadyUsed a ->
                        throw ApiException.conflict(
                                ErrorCode.INVALID_STATE, "the coupon is already used by another order");
                };
        PurchaseOutcome outcome = purchases.purchase(sale, userId, key, body.quantity(), coupon);
        // refusals are written, not thrown: in a flash sale most answers are SOLD_OUT, and a thrown exception costs a
        // stack trace on every one of them
        switch (outcome) {
            case PurchaseOutcome.Placed p -> writeOrder(response, HttpStatus.CREATED, p.order());
            case PurchaseOutcome.Queued q -> writeOrder(response, HttpStatus.ACCEPTED, q.order());
            case PurchaseOutcome.SoldOut s ->
                // the same few bytes per sale, thousands of times a second: serialized once
                problems.writeRepeated(
                        request, response, ApiException.conflict(ErrorCode.SOLD_OUT, "the sale is sold out"));
            case PurchaseOutcome.LimitExceeded l ->
                problems.write(
                        request,
                        response,
                        ApiException.conflict(
                                ErrorCode.LIMIT_EXCEEDED,
                                "this would pass the per-user limit of " + sale.perUserLimit()));
            case PurchaseOutcome.NotActive n ->
                problems.write(
                        request,
                        response,
                        ApiException.conflict(
                                ErrorCode.SALE_NOT_ACTIVE,
                                "the sale runs from " + sale.startsAt() + " to " + sale.endsAt()));
            case PurchaseOutcome.CouponUsed c ->
                problems.write(
                        request,
                        response,
                        ApiException.conflict(ErrorCode.INVALID_STATE, "the coupon is already used by another order"));
            case PurchaseOutcome.Invalid i -> throw ApiException.validation(i.reason());
            case PurchaseOutcome.Unavailable u ->
                problems.write(request, response, ApiException.unavailable(u.reason()));
        }
    }

    /**
     * The body, read as MVC's JSON converter read it: a body that is not JSON is a 415, one the client cannot take
     * back as JSON a 406, a missing, malformed or mistyped one a 400, an oversized one a 413.
     */
    private PurchaseRequest read(HttpServletRequest request) {
        Charset charset = jsonCharset(request.getContentType());
        acceptsJson(request.getHeader(HttpHeaders.ACCEPT));
        PurchaseRequest body;
        try {
            byte[] bytes = bodyBytes(request);
            if (bytes.length == 0) {
                body = null;
            } else if (charset.equals(StandardCharsets.UTF_8)) {
                body = requests.readValue(bytes);
            } else {
                body = requests.readValue(new InputStreamReader(new ByteArrayInputStream(bytes), charset));
            }
        } catch (IOException | JacksonException e) {
            throw ProblemResponses.unreadable(e);
        }
        if (body == null) {
            throw ProblemResponses.unreadable(new IllegalArgumentException("no body"));
        }
        return body;
    }

    /**
     * The body's bytes. When the request says how many (Content-Length, as every purchase sent by a browser or a
     * load balancer does), exactly that many are read into one array of that size: {@code readAllBytes} zeroes a 16
     * KiB buffer for a body of about 20 bytes, a tenth of the CPU of a sold-out answer in a JFR profile. A chunked body
     * is read to its end.
     */
    private static byte[] bodyBytes(HttpServletRequest request) throws IOException {
        InputStream in = request.getInputStream();
        long length = request.getContentLengthLong();
        if (length < 0 || length > BodySizeLimitFilter.MAX_BODY_BYTES) {
            return in.readAllBytes();
        }
        byte[] bytes = new byte[(int) length];
        int read = in.readNBytes(bytes, 0, bytes.length);
        return read == bytes.length ? bytes : Arrays.copyOf(bytes, read);
    }

    private static Charset jsonCharset(@Nullable String contentType) {
        if (contentType != null) {
            try {
                MediaType type = MediaType.parseMediaType(contentType);
                if (type.isCompatibleWith(MediaType.APPLICATION_JSON)
                        || ("application".equals(type.getType())
                                && type.getSubtype().endsWith("+json"))) {
                    Charset charset = type.getCharset();
                    return charset == null ? StandardCharsets.UTF_8 : charset;
                }
            } catch (IllegalArgumentException e) { // InvalidMediaTypeException is one
                // answered below as any type that is not JSON
            }
        }
        throw new ApiException(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                ErrorCode.VALIDATION,
                "Content-Type '" + (contentType == null ? "application/octet-stream" : contentType)
                        + "' is not supported.");
    }

    private static void acceptsJson(@Nullable String accept) {
        if (accept == null || accept.isBlank() || accept.contains("*/*") || accept.contains("application/json")) {
            return;
        }
        try {
            List<MediaType> types = MediaType.parseMediaTypes(accept);
            for (MediaType type : types) {
                if (type.isCompatibleWith(MediaType.APPLICATION_JSON)
                        || type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)) {
                    return;
                }
            }
        } catch (IllegalArgumentException e) { // InvalidMediaTypeException is one
            throw ApiException.validation("the Accept header is not valid");
        }
        throw new ApiException(
                HttpStatus.NOT_ACCEPTABLE, ErrorCode.VALIDATION, "the answer is JSON; the Accept header refuses it");
    }

    /**
     * True when a purchase of a sale with a waiting room or a draw was refused (and answered), false when its
     * admission token lets it through. A replay of an order placed while the token was valid is answered as always.
     */
    private boolean refusedTurn(
            Sale sale, String userId, String key, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (sale.access() == Access.DRAW) {
            throw ApiException.conflict(
                    ErrorCode.DRAW_ONLY,
                    "this sale's orders are made by its draw: enter at POST /api/sales/" + sale.id() + "/entries");
        }
        String token = request.getHeader("Admission-Token");
        if (token == null || token.isEmpty()) {
            throw ApiException.forbidden(
                    ErrorCode.ADMISSION_REQUIRED,
                    "this sale has a waiting room: join at POST /api/sales/" + sale.id()
                            + "/room and send its admissionToken in the header Admission-Token");
        }
        AdmissionTokens.Check check = admissions.check(token, sale.id(), userId);
        if (check == AdmissionTokens.Check.VALID) {
            return false;
        }
        if (check == AdmissionTokens.Check.INVALID) {
            throw ApiException.forbidden(
                    ErrorCode.ADMISSION_INVALID, "the Admission-Token was not issued to you for this sale");
        }
        Order replayed = orders.findByKey(sale.id(), userId, key)
                .orElseThrow(() -> ApiException.forbidden(
                        ErrorCode.ADMISSION_EXPIRED, "your admission expired: join the waiting room again"));
        writeOrder(response, sale.intake() == Intake.QUEUED ? HttpStatus.ACCEPTED : HttpStatus.CREATED, replayed);
        return true;
    }

    private void writeOrder(HttpServletResponse response, HttpStatus status, Order order) throws IOException {
        byte[] body = views.writeValueAsBytes(OrderView.of(order));
        response.setStatus(status.value());
        response.setHeader(HttpHeaders.LOCATION, "/api/orders/" + order.id());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String pathOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context.isEmpty() ? uri : uri.substring(context.length());
    }
}
