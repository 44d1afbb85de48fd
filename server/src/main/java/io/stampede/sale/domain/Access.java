package io.stampede.sale.domain;

/** How the buyers of a sale get their turn. */
public enum Access {
    /** First come, first served at the opening. */
    OPEN,
    /** A waiting room lets shoppers through at a set rate; purchases need its admission token. */
    WAITING_ROOM,
    /** Entries before the opening, then a draw whose winners get orders; no purchases. */
    DRAW
}
