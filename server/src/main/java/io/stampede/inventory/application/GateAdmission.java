package io.stampede.inventory.application;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.stampede.inventory.domain.Refusal;
import io.stampede.inventory.domain.Reservation;
import io.stampede.shared.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The admission protocol at a Redis gate, the one protocol behind purchases (intake DIRECT and QUEUED) and coupon
 * claims. {@link #admit} reserves at the gate and answers what the gate decided, as a value:
 * <ul>
 * <li>an answer lost on its way back (a Redis timeout after the script ran) is undone at once, so the key never
 *     points at an order nobody writes;</li>
 * <li>an open circuit breaker is an {@link Admission.Unavailable}, not an exception;</li>
 * <li>a missing gate (Redis restarted or flushed) is rebuilt from the database, or waited for while another
 *     instance rebuilds it, for a few seconds at most;</li>
 * <li>a key that was used already answers with what that attempt made, waiting for it while it is still being
 *     written, and asking the gate again meanwhile (a rebuild drops a key whose order was surely never written);</li>
 * <li>a reservation is {@link Admission.Admitted} with a {@link Hold}: this instance counts it in flight until the
 *     caller has written it and {@link #settle}d the gate by the write's fate.</li>
 * </ul>
 * {@link #settle} keeps a written reservation, returns the units of one surely not written, settles a commit in
 * doubt by waiting until the transaction that may be writing it has ended, and, when the database refused what the
 * gate admitted, leaves the units where they are and has the lying gate rebuilt from the database at once.
 */
@Component
public class GateAdmission {
    private static final Logger log = LoggerFactory.getLogger(GateAdmission.class);
    private static final Duration GATE_BUILD_WAIT = Duration.ofSeconds(5);
    private static final long REPLAY_POLL_MILLIS = 10;

    private final CircuitBreaker breaker;
    private final InFlightReservations inFlight;
    private final WrongGates wrongGates;

    public GateAdmission(CircuitBreaker gateCircuitBreaker, InFlightReservations inFlight, WrongGates wrongGates) {
        this.breaker = gateCircuitBreaker;
        this.inFlight = inFlight;
        this.wrongGates = wrongGates;
    }

    /** One attempt: who asks for how many units of which gate's stock, with which idempotency key, when. */
    public record Attempt(String gateId, String userId, String key, int quantity, Instant now) {}

    /**
     * A gate and what the protocol needs to know of what it admits ({@code T}: an order, a coupon).
     */
    public interface Gate<T> {
        /** For logs: "sale 42", "campaign 7". */
        String name();

        /** One call of the gate's script, reserving for a new id; its answer is what the gate decided. */
        Reservation reserve(Attempt attempt, String newId);

        /** Returns the units of a reservation surely not written; a no-op unless the key still points at {@code id}. */
        void undo(Attempt attempt, String id);

        /** What the reservation {@code id} made, if it is there for this user (a replay's answer). */
        Optional<T> find(String id, String userId);

        /** Rebuilds the gate from the database; false while another rebuild holds its lease. */
        boolean rebuild();

        /**
         * After a commit in doubt: waits until no transaction can still be writing {@code id}, then whether it is in the
         * database. Throws when even that cannot be known (the database is gone).
         */
        default boolean writtenAfterAll(String id) {
            throw new UnsupportedOperationException(name() + " has no commit in doubt");
        }

        /** How long a replay waits for the attempt that made its key. */
        Duration replayWait();
    }

    /** What admission decided. */
    public sealed interface Admission<T> {
        /** Units are reserved for the new id by the gate of {@code gateEpoch}: write it, then {@link #settle}. */
        record Admitted<T>(String id, long gateEpoch, Hold hold) implements Admission<T> {}

        /** The key was used already: this is what it made. */
        record Existing<T>(T made) implements Admission<T> {}

        /** The gate said no: sold out, over the limit, or outside the window. */
        record Refused<T>(Rejection rejection) implements Admission<T> {}

        /** Nothing was taken that the shopper cannot find again by retrying with the same key. */
        record Unavailable<T>(String reason) implements Admission<T> {}
    }

    /** Why a gate said no. */
    public enum Rejection {
        SOLD_OUT,
        LIMIT_EXCEEDED,
        NOT_ACTIVE;

        public static Rejection of(Refusal refusal) {
            return refusal == Refusal.SOLD_OUT ? SOLD_OUT : LIMIT_EXCEEDED;
        }
    }

    /** A reservation counted in flight on this instance: released exactly once, by {@link #settle}. */
    public static final class Hold {
        private final InFlightReservations inFlight;
        private final String gateId;
        private final long generation;
        private boolean released;

        private Hold(InFlightReservations inFlight, String gateId, long generation) {
            this.inFlight = inFlight;
            this.gateId = gateId;
            this.generation = generation;
        }

        synchronized void release() {
            if (!released) {
                released = true;
                inFlight.exit(gateId, generation);
            }
        }
    }

    /** What became of an admitted reservation's write, as far as the caller knows. */
    public sealed interface Fate {
        /** Written, or surely queued to be: the reservation stands. */
        record Written() implements Fate {}

        /** Surely not written (rolled back, refused before, fenced out): its units go back to the gate. */
        record NotWritten() implements Fate {}

        /** The commit failed: written or not is unknown until the transaction that wrote it has ended. */
        record InDoubt() implements Fate {}

        /** Not known, and another path settles it (a repair pass, reconciliation): the gate is left as it is. */
        record LeftAsIs() implements Fate {}

        /**
         * The database contradicted the gate: it refused units the gate admitted (the units stay where they are,
         * {@code undo} false), or it holds the key the gate had lost (this reservation is undone, {@code undo} true).
         * Either way the gate lost writes and is rebuilt from the database at once.
         */
        record Contradicted(String why, boolean undo) implements Fate {}
    }

    /** Whether an admitted reservation ended written, after {@link #settle}. */
    public enum Settled {
        WRITTEN,
        NOT_WRITTEN
    }

    public <T> Admission<T> admit(Gate<T> gate, Attempt attempt) {
        long deadline = System.nanoTime() + GATE_BUILD_WAIT.toNanos();
        long replayDeadline = 0;
        String waitingFor = null; // the id a replay waits for
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                return new Admission.Unavailable<>("interrupted; retry with the same key");
            }
            String id = Ids.newId();
            long generation = inFlight.enter(attempt.gateId());
            Hold hold = new Hold(inFlight, attempt.gateId(), generation);
            Reservation reservation;
            try {
                reservation = breaker.executeSupplier(() -> gate.reserve(attempt, id));
            } catch (CallNotPermittedException e) {
                hold.release(); // the circuit is open: Redis was not called, there is nothing to undo
                return new Admission.Unavailable<>("Redis is unavailable; retry with the same key");
            } catch (RuntimeException e) {
                hold.release();
                undoLostAnswer(gate, attempt, id, e);
                return new Admission.Unavailable<>("the gate did not answer; retry with the same key");
            }
            if (reservation instanceof Reservation.Reserved r) {
                return new Admission.Admitted<>(r.orderId(), r.gateEpoch(), hold);
            }
            hold.release();
            switch (reservation) {
                case Reservation.Duplicate d -> {
                    Optional<T> made = gate.find(d.orderId(), attempt.userId());
                    if (made.isPresent()) {
                        return new Admission.Existing<>(made.get());
                    }
                    if (!d.orderId().equals(waitingFor)) {
                        waitingFor = d.orderId();
                        replayDeadline = System.nanoTime() + gate.replayWait().toNanos();
                    } else if (System.nanoTime() > replayDeadline) {
                        return new Admission.Unavailable<>(
                                "the earlier attempt with this key is not settled yet; retry");
                    }
                    pause(REPLAY_POLL_MILLIS); // then ask the gate again: a rebuild may have dropped a key never
                    // written
                }
                case Reservation.SoldOut s -> {
                    return new Admission.Refused<>(Rejection.SOLD_OUT);
                }
                case Reservation.LimitExceeded l -> {
                    return new Admission.Refused<>(Rejection.LIMIT_EXCEEDED);
                }
                case Reservation.NotActive n -> {
                    return new Admission.Refused<>(Rejection.NOT_ACTIVE);
                }
                case Reservation.GateMissing m -> {
                    if (System.nanoTime() > deadline) {
                        return new Admission.Unavailable<>("the " + gate.name() + " gate is being rebuilt; retry");
                    }
                    rebuildOrWait(gate::rebuild, gate.name());
                }
                case Reservation.Reserved r -> throw new IllegalStateException("handled above");
            }
        }
    }

    /**
     * Settles the gate by what became of an admitted reservation's write, and releases its hold. Never throws: what
     * cannot be settled now (Redis or the database gone) stays held until reconciliation returns it, which
     * undersells for a while and never oversells.
     */
    public Settled settle(Gate<?> gate, Attempt attempt, Admission.Admitted<?> admitted, Fate fate) {
        try {
            return switch (fate) {
                case Fate.Written w -> Settled.WRITTEN;
                case Fate.LeftAsIs l -> Settled.NOT_WRITTEN;
                case Fate.NotWritten n -> {
                    undo(gate, attempt, admitted.id());
                    yield Settled.NOT_WRITTEN;
                }
                case Fate.Contradicted c -> {
                    if (c.undo()) {
                        undo(gate, attempt, admitted.id());
                    }
                    wrongGates.markWrong(attempt.gateId(), gate.name() + ": " + c.why(), gate::rebuild);
                    yield Settled.NOT_WRITTEN;
                }
                case Fate.InDoubt d -> settleInDoubt(gate, attempt, admitted.id());
            };
        } finally {
            admitted.hold().release();
        }
    }

    /**
     * A commit in doubt may still be landing: returning its units now could sell them twice. The gate waits until
     * the transaction that may be writing it has surely ended, then reads; if even that fails, the units stay held.
     */
    private Settled settleInDoubt(Gate<?> gate, Attempt attempt, String id) {
        try {
            if (gate.writtenAfterAll(id)) {
                return Settled.WRITTEN;
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Reservation {} of the {} gate in doubt and not settled; its units stay held until "
                            + "reconciliation: {}",
                    id,
                    gate.name(),
                    e.getMessage());
            return Settled.NOT_WRITTEN;
        }
        undo(gate, attempt, id);
        return Settled.NOT_WRITTEN;
    }

    private void undo(Gate<?> gate, Attempt attempt, String id) {
        try {
            gate.undo(attempt, id);
        } catch (RuntimeException e) {
            log.warn(
                    "Units of unwritten reservation {} of the {} gate not returned yet; reconciliation will: {}",
                    id,
                    gate.name(),
                    e.getMessage());
        }
    }

    private void undoLostAnswer(Gate<?> gate, Attempt attempt, String id, RuntimeException cause) {
        try {
            gate.undo(attempt, id);
            log.info(
                    "Reservation {} of the {} gate lost its answer ({}) and was undone",
                    id,
                    gate.name(),
                    cause.getMessage());
        } catch (RuntimeException again) {
            log.warn(
                    "Reservation {} of the {} gate lost its answer and could not be undone yet; reconciliation "
                            + "will: {}",
                    id,
                    gate.name(),
                    again.getMessage());
        }
    }

    /**
     * For an attempt that found a Redis counter (a gate, a token list) missing: rebuild it, or wait a moment while
     * another rebuild runs; {@code rebuild} answers whether this call rebuilt it.
     */
    public static void rebuildOrWait(BooleanSupplier rebuild, String name) {
        try {
            if (!rebuild.getAsBoolean()) {
                pause(20);
            }
        } catch (RuntimeException e) {
            log.warn("Rebuild of the {} counter failed: {}", name, e.getMessage());
            pause(50);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
