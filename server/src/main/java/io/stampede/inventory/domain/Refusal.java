package io.stampede.inventory.domain;

/** Why the database refused units the gate had admitted: the sale's stock or the buyer's limit would be passed. */
public enum Refusal {
    SOLD_OUT,
    LIMIT_EXCEEDED
}
