package io.stampede.shared.web;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/** A failure with a contract error code; the web edge turns it into a problem response. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final ErrorCode code;
    private final String detail;
    private final @Nullable Integer retryAfterSeconds;

    public ApiException(HttpStatus status, ErrorCode code, String detail) {
        this(status, code, detail, null);
    }

    public ApiException(HttpStatus status, ErrorCode code, String detail, @Nullable Integer retryAfterSeconds) {
        super(detail, null, false, false); // business outcomes need no stack trace
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException validation(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION, detail);
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, ErrorCode.NOT_FOUND, what + " not found");
    }

    public static ApiException conflict(ErrorCode code, String detail) {
        return new ApiException(HttpStatus.CONFLICT, code, detail);
    }

    /** The shopper is known but may not do this now (no admission, no proof of work). */
    public static ApiException forbidden(ErrorCode code, String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, code, detail);
    }

    public static ApiException unauthenticated(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, ErrorCode.UNAUTHENTICATED, detail);
    }

    public static ApiException unavailable(String detail) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.UNAVAILABLE, detail, 1);
    }

    public HttpStatus status() {
        return status;
    }

    public ErrorCode code() {
        return code;
    }

    /** The human-readable explanation, never null (unlike {@link #getMessage()} as the JDK declares it). */
    public String detail() {
        return detail;
    }

    public @Nullable Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
