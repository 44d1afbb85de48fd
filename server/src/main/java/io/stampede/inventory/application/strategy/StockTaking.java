package io.stampede.inventory.application.strategy;

import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;

/**
 * How one of the strategies that decide in the database takes a purchase's units. The purchase runs
 * {@link #begin} outside any transaction, then, in the transaction that writes the order: the buyer's row of the
 * stock ledger locked, {@link Attempt#guard} (whatever else makes the checks that follow safe: a row lock, a
 * fence), the idempotency-key and per-user checks, {@link Attempt#take}, and the insert; and {@link Attempt#end}
 * after it, committed or not.
 */
public interface StockTaking {
    StockStrategy strategy();

    /** Starts an attempt: takes a lock lease, reads a version, pops tokens, as the strategy needs. */
    Attempt begin(Sale sale, String userId, int quantity);

    /** How many times a purchase starts over on {@link Verdict.Retry} before it answers 503. */
    default int maxRounds() {
        return 3; // a deadlock victim or a lost key race starts over
    }

    /** One attempt's state from {@link #begin} to {@link #end}. */
    interface Attempt {
        /** The verdict of {@link #begin} itself: {@link Verdict#GO}, or why the attempt stops before any transaction. */
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
        default void end(Ending ending) {}
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
    sealed interface Verdict {
        Verdict GO = new Go();
        Verdict SOLD_OUT = new SoldOut();
        /** The sale's Redis state is not built: rebuild it, then start over. */
        Verdict MISSING = new Missing();
        /**
         * The sale's Redis counter handed out units the database's stock ledger does not have: the counter lost
         * writes. The answer is sold out, and the counter is rebuilt.
         */
        Verdict CONTRADICTED = new Contradicted();

        static Verdict retry(String reason) {
            return new Retry(reason);
        }

        static Verdict unavailable(String reason) {
            return new Unavailable(reason);
        }

        /** Go on. */
        record Go() implements Verdict {}

        record SoldOut() implements Verdict {}

        record Missing() implements Verdict {}

        record Contradicted() implements Verdict {}

        /** Start the attempt over (a lost race, a deadlock victim), a bounded number of times. */
        record Retry(String reason) implements Verdict {}

        /** Stop with 503: nothing was taken. */
        record Unavailable(String reason) implements Verdict {}
    }
}
