package io.stampede.sale.domain;

/**
 * Published a while after a sale's window closed: whatever an instance keeps in memory per sale (its definition,
 * counts of attempts in flight, locks, flags) can go. A late request about the sale loads what it needs again.
 */
public record SaleEnded(String saleId) {}
