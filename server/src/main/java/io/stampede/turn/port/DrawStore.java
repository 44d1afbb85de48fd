package io.stampede.turn.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Where draws, their entries and their progress are kept: the database, the truth. */
public interface DrawStore {
    void create(String saleId, String seed, String seedHash);

    Optional<Draw> find(String saleId);

    /** Enters the shopper once; answers the entry, new or earlier. */
    Entry enter(String saleId, String userId, Instant at);

    Optional<Entry> entry(String saleId, String userId);

    long countEntries(String saleId);

    /** Every entrant's user id, in no particular order. */
    List<String> entrants(String saleId);

    /** Draws of sales that have started and not ended: those whose draw is due or whose offers go on. */
    List<String> due(Instant now);

    /** Takes the draw's lease until the given instant; false when another instance holds it. */
    boolean lease(String saleId, Instant now, Instant until);

    void release(String saleId);

    /** Publishes the entry list's hash: entries are closed and the draw is made. */
    void markDrawn(String saleId, String entriesHash, long entries, Instant at);

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
