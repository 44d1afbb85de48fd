package io.stampede.turn.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Where draws, their entries and their progress are kept: the database, the truth. */
public interface DrawStore {
    void create(String saleId, String seed, String seedHash);

    Optional<Draw> find(String saleId);

    /**
     * Enters the shopper once; answers the entry, new or earlier, or empty when the draw's entries are closed. The
     * database decides, not the instance's clock: an entry either commits before {@link #closeEntries} reads the list,
     * and is in it, or is refused.
     */
    Optional<Entry> enter(String saleId, String userId, Instant at);

    Optional<Entry> entry(String saleId, String userId);

    long countEntries(String saleId);

    /** Every entrant's user id, in no particular order. */
    List<String> entrants(String saleId);

    /** Draws of sales that have started and not ended: those whose draw is due or whose offers go on. */
    List<String> due(Instant now);

    /** Takes the draw's lease until the given instant; false when another instance holds it. */
    boolean lease(String saleId, Instant now, Instant until);

    /**
     * Gives up the lease taken until that instant, if it is still that one: a run that outlived its lease must not
     * end the lease another instance has taken since, or a third could run beside it.
     */
    void release(String saleId, Instant until);

    /**
     * Closes the draw's entries, once: takes the list as it stands, hashes it ({@code DrawOrder}) and publishes the
     * hash, after every entry in flight has committed and before any later one can. Answers the closed list (the same
     * one when called again).
     */
    Closed closeEntries(String saleId);

    /** Publishes the seed: the draw is made. Only after {@link #closeEntries}. */
    void markDrawn(String saleId, Instant at);

    /** A draw's entry list as it was closed, and its published hash. */
    record Closed(String entriesHash, List<String> entrants) {}

    void setOffered(String saleId, int offered);

    void setOrder(String saleId, String userId, String orderId);

    /** A draw's commitments and progress. */
    record Draw(
            String saleId,
            String seed,
            String seedHash,
            @Nullable String entriesHash,
            @Nullable Long entries,
            @Nullable Instant drawnAt,
            int offered) {}

    /** One shopper's entry, and the order the draw gave them. */
    record Entry(String userId, Instant enteredAt, @Nullable String orderId, boolean created) {}
}
