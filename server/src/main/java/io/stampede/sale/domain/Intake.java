package io.stampede.sale.domain;

/** Whether an order is written before the answer ({@code DIRECT}) or by a queue consumer ({@code QUEUED}). */
public enum Intake {
    DIRECT,
    QUEUED
}
