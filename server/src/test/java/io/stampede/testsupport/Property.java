package io.stampede.testsupport;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * A property checked on random inputs, from a plain JUnit test:
 *
 * <pre>{@code
 * @Test
 * void gateAgreesWithTheModel() {
 *     Property.forAll(cases).tries(200).shrinkWith(Case::shorter).check(c -> { ... assertions ... });
 * }
 * }</pre>
 *
 * <p>Each try makes its input from a seed of its own: the first try's seed is the run seed, and every next try's seed
 * follows from the one before. The run seed is random, or fixed with {@code -Dstampede.seed=N} (or the environment
 * variable {@code STAMPEDE_SEED}). When a try fails, the property stops, shrinks the input (bounded: at most
 * {@code -Dstampede.shrink-runs}, 100 by default, re-runs) and fails with the seed of that try and the command that
 * replays it: run with that seed, the first try makes the very same input. All randomness of a try must come from
 * its input, which is why the body gets no random generator of its own.
 */
public final class Property<T> {
    public static final String SEED_PROPERTY = "stampede.seed";
    public static final String SEED_ENV = "STAMPEDE_SEED";
    public static final String SHRINK_RUNS_PROPERTY = "stampede.shrink-runs";
    private static final int DEFAULT_SHRINK_RUNS = 100;

    /** The body of a property: throws (an assertion error, say) when the input falsifies it. */
    @FunctionalInterface
    public interface Body<T> {
        void check(T input) throws Throwable;
    }

    private final Gen<T> gen;
    private int tries = 100;
    private Function<? super T, ? extends Stream<? extends T>> shrinker = input -> Stream.empty();
    private Long seed;
    private boolean quiet;
    private StackWalker.StackFrame caller;

    private Property(Gen<T> gen) {
        this.gen = Objects.requireNonNull(gen);
    }

    public static <T> Property<T> forAll(Gen<T> gen) {
        return new Property<>(gen);
    }

    public Property<T> tries(int tries) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries " + tries);
        }
        this.tries = tries;
        return this;
    }

    /** How to simplify a failing input: candidates, simplest first; the first that still fails the same way wins. */
    public Property<T> shrinkWith(Function<? super T, ? extends Stream<? extends T>> shrinker) {
        this.shrinker = Objects.requireNonNull(shrinker);
        return this;
    }

    /** Fixes the run seed in code (the toolkit's own tests); otherwise it comes from the environment or chance. */
    Property<T> seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Prints nothing (the toolkit's own tests, which fail on purpose). */
    Property<T> quiet() {
        this.quiet = true;
        return this;
    }

    /** The seed of the try after the one with this seed: SplitMix64's mix, a bijection, so no two seeds share a next. */
    static long nextSeed(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The input a try with this seed makes. */
    T input(long trySeed) {
        return gen.next(new SplittableRandom(trySeed));
    }

    /** Runs the tries; throws an {@link AssertionError} naming the failing try's seed and how to replay it. */
    public void check(Body<? super T> body) {
        if (caller == null) {
            caller = testMethod();
        }
        String name = testClass().getSimpleName() + "#" + caller.getMethodName();
        String source = seed != null
                ? "fixed in code"
                : configuredSeed().isPresent() ? "from -D" + SEED_PROPERTY + " / " + SEED_ENV : "random";
        long runSeed = seed != null ? seed : configuredSeed().orElseGet(() -> new SplittableRandom().nextLong());
        if (!quiet) {
            System.out.println(name + ": " + tries + " tries, seed " + runSeed + " (" + source + ")");
        }

        Map<String, Map<String, Integer>> counts = Statistics.start();
        long trySeed = runSeed;
        try {
            for (int i = 1; i <= tries; i++, trySeed = nextSeed(trySeed)) {
                T input = input(trySeed);
                Throwable failure = run(body, input);
                if (failure != null) {
                    Statistics.stop();
                    throw falsified(name, runSeed, i, trySeed, input, failure, body);
                }
            }
        } finally {
            Statistics.stop();
            if (!counts.isEmpty() && !quiet) {
                System.out.print(Statistics.report(name, counts));
            }
        }
    }

    /** The test method that checks this property: the first caller outside this class that is not a lambda. */
    private static StackWalker.StackFrame testMethod() {
        List<StackWalker.StackFrame> callers = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(f -> f.getDeclaringClass() != Property.class)
                        .toList());
        Class<?> test = topLevel(callers.getFirst().getDeclaringClass());
        return callers.stream()
                .filter(f -> topLevel(f.getDeclaringClass()) == test
                        && !f.getMethodName().startsWith("lambda$"))
                .findFirst()
                .orElse(callers.getFirst());
    }

    private static Class<?> topLevel(Class<?> c) {
        while (c.getEnclosingClass() != null) {
            c = c.getEnclosingClass();
        }
        return c;
    }

    private Throwable run(Body<? super T> body, T input) {
        try {
            body.check(input);
            return null;
        } catch (VirtualMachineError | TestAbortedException e) {
            throw e;
        } catch (Throwable t) {
            return t;
        }
    }

    @SuppressWarnings("ReferenceEquality") // "the same input" and "the same failure" mean the same object here
    private AssertionError falsified(
            String name, long runSeed, int attempt, long trySeed, T input, Throwable failure, Body<? super T> body) {
        int budget = shrinkRuns();
        String origin = origin(failure);
        T smallest = input;
        Throwable smallestFailure = failure;
        int runs = 0;
        boolean shrunk = true;
        while (shrunk && runs < budget) {
            shrunk = false;
            Iterator<? extends T> candidates = shrinker.apply(smallest).iterator();
            while (candidates.hasNext() && runs < budget) {
                T candidate = candidates.next();
                runs++;
                Throwable f = run(body, candidate);
                if (f != null && origin(f).equals(origin)) {
                    smallest = candidate;
                    smallestFailure = f;
                    shrunk = true;
                    break;
                }
            }
        }

        String replay = replayCommand(trySeed);
        StringBuilder message = new StringBuilder()
                .append(name)
                .append(" failed at try ")
                .append(attempt)
                .append(" of ")
                .append(tries)
                .append(", seed ")
                .append(trySeed)
                .append(" (run seed ")
                .append(runSeed)
                .append(")\n")
                .append("replay (from the repository root): ")
                .append(replay)
                .append('\n');
        if (smallest != input) {
            message.append("shrunk in ")
                    .append(runs)
                    .append(runs == budget ? " re-runs (the limit, -D" + SHRINK_RUNS_PROPERTY + ")" : " re-runs")
                    .append("; the smallest failing input:\n")
                    .append(indent(smallest))
                    .append("the input the seed makes:\n")
                    .append(indent(input));
        } else {
            message.append(runs == 0 ? "" : "no simpler input fails the same way (" + runs + " re-runs); ")
                    .append("the failing input:\n")
                    .append(indent(input));
        }
        message.append("failure")
                .append(smallest != input ? " of the smallest input" : "")
                .append(": ")
                .append(smallestFailure);
        AssertionError error = new AssertionError(message.toString(), smallestFailure);
        if (smallestFailure != failure) {
            error.addSuppressed(failure);
        }
        if (!quiet) {
            System.err.println(message);
        }
        return error;
    }

    /** Where a failure comes from: its type and the line of the test that raised or met it. */
    private String origin(Throwable t) {
        String top = testClass().getName();
        return t.getClass().getName() + " at "
                + Stream.of(t.getStackTrace())
                        .filter(e ->
                                e.getClassName().equals(top) || e.getClassName().startsWith(top + "$"))
                        .findFirst()
                        .map(StackTraceElement::toString)
                        .orElse("?");
    }

    private Class<?> testClass() {
        return topLevel(caller.getDeclaringClass());
    }

    /** The Maven command that runs this test class alone with the seed, in the same database mode as this run. */
    String replayCommand(long trySeed) {
        String env = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().startsWith("STAMPEDE_IT_"))
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + shellWord(e.getValue()) + " ")
                .collect(Collectors.joining());
        String goal =
                testClass().getSimpleName().endsWith("IT") ? "verify -Dskip.unit=true -Dit.test=" : "test -Dtest=";
        return env + "./mvnw -B -ntp " + goal + testClass().getSimpleName() + "#" + caller.getMethodName() + " -D"
                + SEED_PROPERTY + "=" + trySeed;
    }

    static Optional<Long> configuredSeed() {
        String value = System.getProperty(SEED_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(SEED_ENV);
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_PROPERTY + " / " + SEED_ENV + " must be a long, not " + value);
        }
    }

    private static int shrinkRuns() {
        String value = System.getProperty(SHRINK_RUNS_PROPERTY);
        return value == null || value.isBlank() ? DEFAULT_SHRINK_RUNS : Integer.parseInt(value.strip());
    }

    private static String shellWord(String value) {
        return value.matches("[A-Za-z0-9_./:@%+=,-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    private static String indent(Object input) {
        return String.valueOf(input).lines().map(line -> "    " + line + "\n").collect(Collectors.joining());
    }
}
