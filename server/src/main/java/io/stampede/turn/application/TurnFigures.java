package io.stampede.turn.application;

import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleTurns;
import io.stampede.turn.port.RoomStore;
import org.springframework.stereotype.Component;

/** What the sale module shows of a sale's room or draw, and the draw's seed committed at the sale's creation. */
@Component
class TurnFigures implements SaleTurns {
    private final WaitingRoom room;
    private final Draws draws;

    TurnFigures(WaitingRoom room, Draws draws) {
        this.room = room;
        this.draws = draws;
    }

    @Override
    public void open(Sale sale) {
        draws.open(sale);
    }

    @Override
    public Figures figures(Sale sale) {
        return switch (sale.access()) {
            case OPEN -> Figures.NONE;
            case WAITING_ROOM -> {
                RoomStore.Figures f = room.figures(sale);
                yield new Figures(new Room(f.letThrough(), f.waiting(), f.admitPerSecond()), null);
            }
            case DRAW -> new Figures(null, draws.figures(sale));
        };
    }
}
