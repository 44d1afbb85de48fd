package io.stampede.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schedule arithmetic of {@code --mode room}, kept apart from the HTTP so it can be tested: when the sale starts,
 * how fast the crowd polls, when a place is let through, which admitted shopper makes which purchase, and what a
 * room status says.
 */
final class RoomPlan {

    /**
     * The joins are expected this many times as fast as the calibration's: on this 2-core machine they ran 2.0–2.9
     * times as fast (the calibration meets a server still compiling and writing the warm-up's orders). A start a
     * little early costs nothing but a note: the last joiners queue first come, first served behind the shuffled.
     */
    static final double JOIN_SPEED_UP = 2.0;

    /** Slack after the joins before the room starts letting shoppers through. */
    static final Duration START_SLACK = Duration.ofSeconds(10);

    /** The latest the sale starts when it is left to the measured join rate. */
    static final Duration LATEST_START = Duration.ofMinutes(30);

    /** The sale's per-user limit: the most a sale allows, so that few admitted shoppers can make many purchases. */
    static final int PER_USER_LIMIT = 1_000;

    private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern PLACE = Pattern.compile("\"place\"\\s*:\\s*(null|[0-9]+)");
    private static final Pattern TOKEN = Pattern.compile("\"admissionToken\"\\s*:\\s*\"([^\"]+)\"");

    /** What a {@code GET/POST /api/sales/{id}/room} answer says: state, place (0 when not given yet), token or null. */
    record Place(String state, long place, String admissionToken) {}

    private RoomPlan() {}

    /**
     * How long after its creation the sale starts: {@code givenSeconds}, or (0) the time {@code shoppers} joins take at
     * {@link #JOIN_SPEED_UP} times the calibration's {@code joinsPerSecond}, plus {@link #START_SLACK}, at most
     * {@link #LATEST_START}.
     */
    static Duration startsIn(int shoppers, int givenSeconds, double joinsPerSecond) {
        if (givenSeconds > 0) {
            return Duration.ofSeconds(givenSeconds);
        }
        if (!(joinsPerSecond > 0)) {
            return LATEST_START;
        }
        double joining = Math.ceil(shoppers / (joinsPerSecond * JOIN_SPEED_UP));
        Duration start = Duration.ofSeconds((long) Math.min(joining, (double) LATEST_START.toSeconds()))
                .plus(START_SLACK);
        return start.compareTo(LATEST_START) > 0 ? LATEST_START : start;
    }

    /**
     * Joins of the warm-up room, made after the warm-up, whose rate plans the sale's start: half the warm-up's
     * shoppers, at least 1,000.
     */
    static int calibrationJoins(int warmupShoppers) {
        return Math.max(1_000, warmupShoppers / 2);
    }

    /** Polls a second when each of {@code shoppers} asks once every {@code everySeconds}. */
    static double pollRate(int shoppers, int everySeconds) {
        return (double) shoppers / everySeconds;
    }

    /**
     * Places let through {@code since} after the admission start at {@code rate} a second (the room's schedule:
     * whole places only, none before the start).
     */
    static long admitted(Duration since, int rate) {
        if (since.isNegative()) {
            return 0;
        }
        return since.toMillis() * rate / 1_000;
    }

    /** How long after the admission start the 1-based {@code place} is let through at {@code rate} a second. */
    static Duration admittedAfter(long place, int rate) {
        return Duration.ofMillis((place * 1_000 + rate - 1) / rate);
    }

    /**
     * The 0-based place (index into the places in room order) of the shopper who makes purchase {@code purchase}
     * (0, 1, 2, … over the whole run): {@code buyers} shoppers buy side by side, one purchase each in turn, until
     * each has made {@code perBuyer}; then the next {@code buyers} places take over. So no shopper goes past the
     * per-user limit, and the purchases in flight at one moment belong to different shoppers.
     */
    static int buyerPlace(long purchase, int buyers, int perBuyer) {
        long generation = purchase / ((long) buyers * perBuyer);
        return Math.toIntExact(generation * buyers + purchase % buyers);
    }

    /** The shoppers (indices) in room order, from each one's 1-based place (0 when unknown: those go last). */
    static int[] roomOrder(long[] placeOfShopper) {
        Integer[] order = new Integer[placeOfShopper.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            long pa = placeOfShopper[a] > 0 ? placeOfShopper[a] : Long.MAX_VALUE;
            long pb = placeOfShopper[b] > 0 ? placeOfShopper[b] : Long.MAX_VALUE;
            return pa != pb ? Long.compare(pa, pb) : Integer.compare(a, b);
        });
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    /**
     * What is wrong with the places the room gave, or an empty list: after admission started every shopper has a
     * place, and the places are exactly 1..N (docs/fair-drops.md: 1-based, one each, never shared).
     */
    static List<String> placeProblems(long[] placeOfShopper) {
        int n = placeOfShopper.length;
        boolean[] seen = new boolean[n + 1];
        long missing = 0;
        long outOfRange = 0;
        long shared = 0;
        for (long place : placeOfShopper) {
            if (place <= 0) {
                missing++;
            } else if (place > n) {
                outOfRange++;
            } else if (seen[(int) place]) {
                shared++;
            } else {
                seen[(int) place] = true;
            }
        }
        List<String> problems = new java.util.ArrayList<>();
        if (missing > 0) {
            problems.add(missing + " shoppers had no place after admission started");
        }
        if (outOfRange > 0) {
            problems.add(outOfRange + " places were beyond the " + n + " shoppers");
        }
        if (shared > 0) {
            problems.add(shared + " places were given to more than one shopper");
        }
        return problems;
    }

    /** The state, place and admission token of a room status body; null members become "", 0 and null. */
    static Place parse(String body) {
        Matcher state = STATE.matcher(body);
        Matcher place = PLACE.matcher(body);
        Matcher token = TOKEN.matcher(body);
        return new Place(
                state.find() ? state.group(1) : "",
                place.find() && !place.group(1).equals("null") ? Long.parseLong(place.group(1)) : 0,
                token.find() ? token.group(1) : null);
    }
}
