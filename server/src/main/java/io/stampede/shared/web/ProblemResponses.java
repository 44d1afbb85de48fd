package io.stampede.shared.web;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** The one place where exceptions become problem responses; nothing malformed becomes a 5xx. */
@RestControllerAdvice
public class ProblemResponses extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
        return ProblemWriter.entity(e, request.getRequestURI());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return ProblemWriter.entity(
                ApiException.validation("'" + e.getName() + "' has an invalid value"), request.getRequestURI());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
        return ProblemWriter.entity(ofFailure(e, request), request.getRequestURI());
    }

    /**
     * The answer to a failure that is not the shopper's: 503 when a backing service is down or slow (the shopper may
     * retry; nothing was taken that they cannot find), else 500. Logged once, without a stack trace for the former.
     * Shared by this advice and the handlers that answer outside Spring MVC.
     */
    public static ApiException ofFailure(Exception e, HttpServletRequest request) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (isBackingServiceDown(e)) {
            if (!(e instanceof CallNotPermittedException)) { // an open circuit was logged once when it opened
                log.warn(
                        "Backing service unavailable on {} {}: {}",
                        request.getMethod(),
                        request.getRequestURI(),
                        e.getMessage());
            }
            return ApiException.unavailable("a backing service is unavailable; retry shortly");
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL, "unexpected error");
    }

    private static boolean isBackingServiceDown(Exception e) {
        return e instanceof CallNotPermittedException
                || e instanceof RedisConnectionFailureException
                || e instanceof RedisSystemException
                || e instanceof CannotGetJdbcConnectionException
                || e instanceof CannotCreateTransactionException
                || e instanceof DataAccessResourceFailureException
                || e instanceof QueryTimeoutException;
    }

    /** Why a JSON body could not be read, as a 400 (or a 413 when it passed the size limit). */
    public static ApiException unreadable(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BodySizeLimitFilter.BodyTooLarge) {
                return BodySizeLimitFilter.tooLarge();
            }
        }
        return ApiException.validation(describe(ex));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ProblemWriter.entity(unreadable(ex), path(request));
    }

    /** Every other Spring MVC failure (404 route, 405, 415, 406, missing header...) keeps its status and gets a code. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(
            @Nullable Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        String detail = body instanceof ProblemDetail p && p.getDetail() != null ? p.getDetail() : "request rejected";
        ErrorCode code = switch (statusCode.value()) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> statusCode.is4xxClientError() ? ErrorCode.VALIDATION : ErrorCode.INTERNAL;
        };
        ProblemDetail problem = ProblemWriter.problem(statusCode, code, detail, path(request));
        HttpHeaders out = new HttpHeaders();
        out.putAll(headers);
        out.remove(HttpHeaders.CONTENT_TYPE);
        return ResponseEntity.status(statusCode)
                .headers(out)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static String describe(Throwable ex) {
        Throwable cause = ex instanceof HttpMessageNotReadableException ? ex.getCause() : ex;
        if (cause instanceof UnrecognizedPropertyException u) {
            return "unknown member '" + u.getPropertyName() + "'";
        }
        if (cause instanceof JacksonException j) {
            String at =
                    j.getPath().isEmpty() ? "" : " at '" + j.getPathReference().replaceAll(".*\\[\"?|\"?\\]", "") + "'";
            return "malformed or mistyped JSON" + at;
        }
        return "the request body is missing or is not valid JSON";
    }

    private static @Nullable String path(WebRequest request) {
        return request instanceof ServletWebRequest s ? s.getRequest().getRequestURI() : null;
    }
}
