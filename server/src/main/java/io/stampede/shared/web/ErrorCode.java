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
    INTERNAL,
    // docs/fair-drops.md: a sale's waiting room, draw and proof of work
    CHALLENGE_FAILED,
    ADMISSION_REQUIRED,
    ADMISSION_INVALID,
    ADMISSION_EXPIRED,
    DRAW_ONLY
}
