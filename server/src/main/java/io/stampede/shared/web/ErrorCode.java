package io.stampede.shared.web;

/** The error codes of the public contract (member {@code code} of every problem response). */
public enum ErrorCode {
    VALIDATION,
    UNAUTHENTICATED,
    NOT_FOUND,
    SOLD_OUT,
    LIMIT_EXCEEDED,
    SALE_NOT_ACTIVE,
    INVALID_STATE,
    AMOUNT_MISMATCH,
    RATE_LIMITED,
    UNAVAILABLE,
    INTERNAL
}
