package io.stampede.inventory.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stampede.inventory.application.GateAdmission.Admission;
import io.stampede.inventory.application.GateAdmission.Fate;
import io.stampede.inventory.domain.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;

/**
 * The one admission protocol of purchases and claims: what it answers for every thing a gate can say or fail to say,
 * and how it settles the gate by the fate of the write, releasing the in-flight hold exactly once.
 */
class GateAdmissionTest {
    private static final GateAdmission.Attempt ATTEMPT =
            new GateAdmission.Attempt("s-1", "u1", "k1", 1, Instant.parse("2026-11-25T12:00:00Z"));

    private final CircuitBreaker breaker = CircuitBreaker.ofDefaults("gate");
    private final InFlightReservations inFlight = new InFlightReservations();
    private final GateAdmission admission =
            new GateAdmission(breaker, inFlight, new WrongGates(mock(SoldOutFlags.class), new SimpleMeterRegistry()));

    /** A gate that answers from a script, and records what the protocol asked of it. */
    static final class ScriptedGate implements GateAdmission.Gate<String> {
        final Deque<Function<String, Reservation>> answers = new ArrayDeque<>();
        final List<String> undone = new ArrayList<>();
        final AtomicInteger reserves = new AtomicInteger();
        final AtomicInteger rebuilds = new AtomicInteger();
        Function<String, Optional<String>> find = id -> Optional.empty();
        Function<String, Boolean> writtenAfterAll = id -> false;

        ScriptedGate then(Function<String, Reservation> answer) {
            answers.add(answer);
            return this;
        }

        @Override
        public String name() {
            return "test";
        }

        @Override
        public Reservation reserve(GateAdmission.Attempt attempt, String newId) {
            reserves.incrementAndGet();
            Function<String, Reservation> next = answers.size() > 1 ? answers.poll() : answers.peek();
            return next.apply(newId);
        }

        @Override
        public void undo(GateAdmission.Attempt attempt, String id) {
            undone.add(id);
        }

        @Override
        public Optional<String> find(String id, String userId) {
            return find.apply(id);
        }

        @Override
        public boolean rebuild() {
            rebuilds.incrementAndGet();
            return true;
        }

        @Override
        public boolean writtenAfterAll(String id) {
            return writtenAfterAll.apply(id);
        }

        @Override
        public Duration replayWait() {
            return Duration.ofMillis(300);
        }
    }

    private boolean nothingInFlight() {
        return inFlight.awaitEarlier("s-1", Duration.ZERO);
    }

    @Test
    void anOpenCircuitIsAnAnswerNotAnExceptionAndCallsNothing() {
        ScriptedGate gate = new ScriptedGate().then(id -> new Reservation.Reserved(id, 1));
        breaker.transitionToOpenState();

        assertThat(admission.admit(gate, ATTEMPT)).isInstanceOf(Admission.Unavailable.class);
        assertThat(gate.reserves).hasValue(0);
        assertThat(gate.undone).isEmpty();
        assertThat(nothingInFlight()).isTrue();
    }

    @Test
    void anAnswerLostOnItsWayBackIsUndoneForTheIdItReservedFor() {
        List<String> tried = new ArrayList<>();
        ScriptedGate gate = new ScriptedGate().then(id -> {
            tried.add(id);
            throw new QueryTimeoutException("Redis command timed out");
        });

        assertThat(admission.admit(gate, ATTEMPT)).isInstanceOf(Admission.Unavailable.class);
        assertThat(gate.undone).containsExactlyElementsOf(tried);
        assertThat(nothingInFlight()).isTrue();
    }

    @Test
    void aMissingGateIsRebuiltAndAskedAgain() {
        ScriptedGate gate = new ScriptedGate()
                .then(id -> new Reservation.GateMissing())
                .then(id -> new Reservation.Reserved(id, 4));

        Admission<String> admitted = admission.admit(gate, ATTEMPT);

        assertThat(admitted)
                .isInstanceOfSatisfying(
                        Admission.Admitted.class, a -> assertThat(a.gateEpoch()).isEqualTo(4));
        assertThat(gate.rebuilds).hasValue(1);
    }

    @Test
    void anAdmittedReservationIsHeldInFlightUntilSettledOnce() {
        ScriptedGate gate = new ScriptedGate().then(id -> new Reservation.Reserved(id, 1));
        Admission.Admitted<String> admitted = (Admission.Admitted<String>) admission.admit(gate, ATTEMPT);
        assertThat(nothingInFlight()).isFalse();

        assertThat(admission.settle(gate, ATTEMPT, admitted, new Fate.Written()))
                .isEqualTo(GateAdmission.Settled.WRITTEN);
        admission.settle(gate, ATTEMPT, admitted, new Fate.Written()); // a second settle releases nothing twice
        assertThat(nothingInFlight()).isTrue();
        assertThat(gate.undone).isEmpty();
    }

    @Test
    void aReplayWaitsForTheOrderOfItsKeyAndAnswersIt() {
        AtomicInteger polls = new AtomicInteger();
        ScriptedGate gate = new ScriptedGate().then(id -> new Reservation.Duplicate("first"));
        gate.find = id -> polls.incrementAndGet() < 3 ? Optional.empty() : Optional.of("order " + id);

        assertThat(admission.admit(gate, ATTEMPT)).isEqualTo(new Admission.Existing<>("order first"));
        assertThat(gate.reserves.get())
                .as("the gate is asked again while waiting")
                .isGreaterThan(1);
    }

    @Test
    void aReplayWhoseKeyTheGateDroppedSinceIsAdmittedAfresh() {
        ScriptedGate gate = new ScriptedGate()
                .then(id -> new Reservation.Duplicate("never-written"))
                .then(id -> new Reservation.Reserved(id, 2));

        assertThat(admission.admit(gate, ATTEMPT)).isInstanceOf(Admission.Admitted.class);
    }

    @Test
    void aReplayWhoseFirstAttemptNeverSettlesGivesUpWithoutTakingAnything() {
        ScriptedGate gate = new ScriptedGate().then(id -> new Reservation.Duplicate("stuck"));

        assertThat(admission.admit(gate, ATTEMPT)).isInstanceOf(Admission.Unavailable.class);
        assertThat(gate.undone).isEmpty();
        assertThat(nothingInFlight()).isTrue();
    }

    @Test
    void theGatesRefusalsAreValues() {
        assertThat(admission.admit(new ScriptedGate().then(id -> new Reservation.SoldOut()), ATTEMPT))
                .isEqualTo(new Admission.Refused<>(GateAdmission.Rejection.SOLD_OUT));
        assertThat(admission.admit(new ScriptedGate().then(id -> new Reservation.LimitExceeded()), ATTEMPT))
                .isEqualTo(new Admission.Refused<>(GateAdmission.Rejection.LIMIT_EXCEEDED));
        assertThat(admission.admit(new ScriptedGate().then(id -> new Reservation.NotActive()), ATTEMPT))
                .isEqualTo(new Admission.Refused<>(GateAdmission.Rejection.NOT_ACTIVE));
        assertThat(nothingInFlight()).isTrue();
    }

    @Test
    void aWriteSurelyNotWrittenGivesItsUnitsBack() {
        ScriptedGate gate = new ScriptedGate().then(id -> new Reservation.Reserved(id, 1));
        Admission.Admitted<String> admitted = (Admission.Admitted<String>) admission.admit(gate, ATTEMPT);

        admission.settle(gate, ATTEMPT, admitted, new Fate.NotWritten());

        assertThat(gate.undone).containsExactly(admitted.id());
    }

    @Test
    void aCommitInDoubtIsSettledByTheDatabaseOnceItsTransactionEnded() {
        ScriptedGate landed = new ScriptedGate().then(id -> new Reservation.Reserved(id, 1));
        landed.writtenAfterAll = id -> true;
        Admission.Admitted<String> a = (Admission.Admitted<String>) admission.admit(landed, ATTEMPT);
        assertThat(admission.settle(landed, ATTEMPT, a, new Fate.InDoubt())).isEqualTo(GateAdmission.Settled.WRITTEN);
        assertThat(landed.undone).isEmpty();

        ScriptedGate absent = new ScriptedGate().then(id -> new Reservation.Reserved(id, 1));
        Admission.Admitted<String> b = (Admission.Admitted<String>) admission.admit(absent, ATTEMPT);
        assertThat(admission.settle(absent, ATTEMPT, b, new Fate.InDoubt()))
                .isEqualTo(GateAdmission.Settled.NOT_WRITTEN);
        assertThat(absent.undone).containsExactly(b.id());

        ScriptedGate unknown = new ScriptedGate().then(id -> new Reservation.Reserved(id, 1));
        unknown.writtenAfterAll = id -> {
            throw new IllegalStateException("database gone");
        };
        Admission.Admitted<String> c = (Admission.Admitted<String>) admission.admit(unknown, ATTEMPT);
        assertThat(admission.settle(unknown, ATTEMPT, c, new Fate.InDoubt()))
                .isEqualTo(GateAdmission.Settled.NOT_WRITTEN);
        assertThat(unknown.undone).as("units held until reconciliation").isEmpty();
        assertThat(nothingInFlight()).isTrue();
    }

    @Test
    void aGateTheDatabaseContradictedKeepsTheUnitsItLiedAboutAndIsRebuiltAtOnce() {
        ScriptedGate gate = new ScriptedGate().then(id -> new Reservation.Reserved(id, 1));
        Admission.Admitted<String> admitted = (Admission.Admitted<String>) admission.admit(gate, ATTEMPT);

        admission.settle(gate, ATTEMPT, admitted, new Fate.Contradicted("refused SOLD_OUT", false));

        assertThat(gate.undone).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.rebuilds.get() == 1);
    }

    @Test
    void aGateThatLostAKeyHasThisReservationUndoneAndIsRebuilt() {
        ScriptedGate gate = new ScriptedGate().then(id -> new Reservation.Reserved(id, 1));
        Admission.Admitted<String> admitted = (Admission.Admitted<String>) admission.admit(gate, ATTEMPT);

        admission.settle(gate, ATTEMPT, admitted, new Fate.Contradicted("lost a key", true));

        assertThat(gate.undone).containsExactly(admitted.id());
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.rebuilds.get() == 1);
    }
}
