package io.stampede.sale.port;

import io.stampede.sale.domain.Sale;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The live state of a sale's waiting room or draw, kept by the turn module; nothing for a sale open to all. */
public interface SaleTurns {
    /** Prepares a new sale's turns inside the transaction that creates it (a draw commits to its seed here). */
    void open(Sale sale);

    /** The figures of the sale's room or draw as they are now; {@link Figures#NONE} for a sale open to all. */
    Figures figures(Sale sale);

    /** A room's or a draw's figures; at most one is set. */
    record Figures(@Nullable Room room, @Nullable Draw draw) {
        public static final Figures NONE = new Figures(null, null);
    }

    /** Places let through so far, joined shoppers still behind them, and the rate in force. */
    record Room(long admitted, long waiting, int admitPerSecond) {}

    /** A draw's published commitments and progress. */
    record Draw(
            String state,
            long entries,
            String seedHash,
            @Nullable String entriesHash,
            @Nullable String seed,
            @Nullable Instant drawnAt) {}
}
