package io.stampede.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** The purchase attempts of one burst: who buys, with which Idempotency-Key, and which attempts are replays. */
public record Plan(List<Attempt> attempts, List<String> users) {

    /** One purchase request; a replay re-sends the key of an earlier attempt of the same user. */
    public record Attempt(String userId, String key, boolean replay) {}

    /**
     * Spreads {@code attempts - replays} fresh keys round-robin over the users, then lets each replay
     * pick one of those fresh attempts and re-send its key. The returned order puts every replay after
     * the attempt it copies; once the start gate opens the scheduler may still reorder them, which is
     * fine: a replay racing its original is exactly what idempotency has to survive.
     *
     * @param runId makes user ids and keys unique per run, so runs never see each other's orders
     */
    public static Plan build(String runId, int users, int attempts, int replays, long seed) {
        if (replays < 0 || replays >= attempts) {
            throw new IllegalArgumentException("need 0 <= replays < attempts, got " + replays + " of " + attempts);
        }
        Random random = new Random(seed);
        int fresh = attempts - replays;
        int[] keysPerUser = new int[users];
        // The sort position makes "replay after its original" a matter of drawing a larger number.
        record Placed(Attempt attempt, double position) {}
        List<Placed> placed = new ArrayList<>(attempts);
        for (int i = 0; i < fresh; i++) {
            int user = i % users;
            String userId = userId(runId, user);
            String key = runId + "-u" + user + "-k" + keysPerUser[user]++;
            placed.add(new Placed(new Attempt(userId, key, false), random.nextDouble()));
        }
        for (int i = 0; i < replays; i++) {
            Placed original = placed.get(random.nextInt(fresh));
            double after = original.position() + (1 - original.position()) * random.nextDouble();
            placed.add(new Placed(
                    new Attempt(original.attempt().userId(), original.attempt().key(), true), after));
        }
        placed.sort(Comparator.comparingDouble(Placed::position));

        Set<String> active = new LinkedHashSet<>();
        for (int user = 0; user < Math.min(users, fresh); user++) {
            active.add(userId(runId, user));
        }
        return new Plan(placed.stream().map(Placed::attempt).toList(), List.copyOf(active));
    }

    /** A warm-up plan: {@code count} fresh keys cycling over the given users, no replays. */
    public static Plan warmup(String runId, List<String> users, int count) {
        List<Attempt> attempts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            attempts.add(new Attempt(users.get(i % users.size()), runId + "-w" + i, false));
        }
        return new Plan(List.copyOf(attempts), users);
    }

    /**
     * One fresh attempt per shopper, {@code count} distinct shoppers, no replays: the open-loop overload,
     * where every request must count against the global admission budget only, never a per-user one.
     *
     * @param tag keeps these shoppers apart from others of the same run
     */
    public static Plan distinct(String runId, String tag, int count) {
        List<Attempt> attempts = new ArrayList<>(count);
        List<String> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String userId = userId(runId, tag + i);
            attempts.add(new Attempt(userId, runId + "-" + tag + i, false));
            users.add(userId);
        }
        return new Plan(List.copyOf(attempts), List.copyOf(users));
    }

    static String userId(String runId, int user) {
        return userId(runId, Integer.toString(user));
    }

    private static String userId(String runId, String user) {
        return "bench-" + runId + "-" + user;
    }

    public int size() {
        return attempts.size();
    }

    public long replayCount() {
        return attempts.stream().filter(Attempt::replay).count();
    }
}
