package io.stampede.sale.domain;

/** What a shopper sees of a sale at an instant. */
public enum SaleState {
    SCHEDULED,
    ACTIVE,
    SOLD_OUT,
    ENDED
}
