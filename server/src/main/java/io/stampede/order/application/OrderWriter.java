package io.stampede.order.application;

import io.stampede.inventory.application.GateAdmission.Fate;
import io.stampede.inventory.domain.Refusal;
import io.stampede.order.domain.Order;
import java.util.concurrent.CompletableFuture;

/** Writes new orders durably; the future always completes, with what became of the order. */
public interface OrderWriter {
    /**
     * Writes the order reserved by the sale's gate of the given epoch, in a transaction that also takes its units in
     * the database's stock ledger (within the sale's stock and the buyer's limit) and redeems its coupon.
     */
    CompletableFuture<WriteResult> write(Order order, long gateEpoch);

    /**
     * What became of an order handed to the writer: written, surely not written (and why), or unknown for now; each
     * says what it means for the gate that admitted the order ({@link #fate}).
     */
    sealed interface WriteResult {
        /** How the admission protocol settles the gate for this result. */
        Fate fate();

        /** Committed. */
        record Committed() implements WriteResult {
            @Override
            public Fate fate() {
                return new Fate.Written();
            }
        }

        /** The gate that reserved the order was rebuilt since: not written, and it holds nothing. */
        record StaleGate() implements WriteResult {
            @Override
            public Fate fate() {
                return new Fate.NotWritten();
            }
        }

        /** The database refused the units the gate had admitted (the gate was wrong): not written. */
        record Refused(Refusal reason) implements WriteResult {
            @Override
            public Fate fate() {
                return new Fate.Contradicted("refused " + reason, false);
            }
        }

        /** An order with the same idempotency key is in the database already (the gate had lost it): not written. */
        record DuplicateKey() implements WriteResult {
            @Override
            public Fate fate() {
                return new Fate.Contradicted("lost an idempotency key", true);
            }
        }

        /** The order's coupon was redeemed by another order first: not written. */
        record CouponUsed() implements WriteResult {
            @Override
            public Fate fate() {
                return new Fate.NotWritten();
            }
        }

        /** Too many orders wait to be written already: not written, answered at once. */
        record Overloaded() implements WriteResult {
            @Override
            public Fate fate() {
                return new Fate.NotWritten();
            }
        }

        /** Rolled back or never run (the database failed before the commit): not written. */
        record Failed(String reason) implements WriteResult {
            @Override
            public Fate fate() {
                return new Fate.NotWritten();
            }
        }

        /**
         * Every statement ran and the commit then failed: whether the order is in the database is unknown until the
         * transaction that wrote it has surely ended.
         */
        record InDoubt(String reason) implements WriteResult {
            @Override
            public Fate fate() {
                return new Fate.InDoubt();
            }
        }
    }
}
