package io.stampede.inventory.application.strategy;

import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;

/**
 * How one of the strategies that decide in the database takes a purchase's units. The purchase runs
 * {@link #begin} outside any transaction, then, in the transaction that writes the order: {@link Attempt#guard}
 * (whatever makes the checks that follow safe: a row lock, a buyer lock, a fence), the idempotency-key and
 * per-user checks, {@link Attempt#take}, and the insert; and {@link Attempt#end} after it, committed or not.
 */
public interface StockTaking {
    StockStrategy strategy();

    /** Starts an attempt: takes a lock lease, reads a version, pops tokens, as the strategy needs. */
    Attempt begin(Sale sale, String userId, int quantity);

    /** How many times a purchase starts over on {@link Verdict.Kind#RETRY} before it answers 503. */
    default int maxRounds() {
        return 3; // a deadlock victim or a lost key race starts over
    }

    /** One attempt's state from {@link #begin} to {@link #end}. */
    interface Attempt {
        /** The verdict of {@link #begin} itself: GO, or why the attempt stops before any transaction. */
        default Verdict early() {
            return Verdict.GO;
        }

        /** In the transaction, before the key and per-user checks. */
        default Verdict guard() {
            return Verdict.GO;
        }

        /** In the transaction, after the checks passed: takes the units. */
        Verdict take();

        /** After the transaction, or after an early stop. */
        default void end(Ending ending) {
        }
    }

    /** An attempt that stopped before it began (sold out at a glance, a lock not had, a list not built). */
    record Stopped(Verdict early) implements Attempt {
        @Override
        public Verdict take() {
            throw new IllegalStateException("a stopped attempt takes nothing");
        }
    }

    /** How the attempt's transaction ended, as far as this process can tell. */
    enum Ending {
        COMMITTED,
        /** Surely not committed (rolled back, or never started). */
        NOT_WRITTEN,
        /** The commit's answer was lost: it may or may not have happened. */
        UNKNOWN
    }

    /** What a step decided; business outcomes are values. */
    record Verdict(Kind kind, String reason) {
        public static final Verdict GO = new Verdict(Kind.GO, null);
        public static final Verdict SOLD_OUT = new Verdict(Kind.SOLD_OUT, null);
        /** The sale's Redis state is not built: rebuild it, then start over. */
        public static final Verdict MISSING = new Verdict(Kind.MISSING, null);

        public static Verdict retry(String reason) {
            return new Verdict(Kind.RETRY, reason);
        }

        public static Verdict unavailable(String reason) {
            return new Verdict(Kind.UNAVAILABLE, reason);
        }

        public enum Kind { GO, SOLD_OUT, RETRY, UNAVAILABLE, MISSING }
    }
}
