package io.stampede.inventory.application.strategy;

import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.StockLedger;
import io.stampede.inventory.port.TokenQueue;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.Ids;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * TOKEN_QUEUE: one script takes the units' tokens from the sale's Redis list, all or none. The pop comes after the key and
 * per-user checks (under the buyer's row lock), so tokens leave the list only for attempts that are about to write
 * an order: a token popped and put back by a loser would otherwise make a concurrent buyer see the list empty and
 * answer sold out while stock remains. The token names the build of the list it came from; the transaction holds
 * the sale's current build number in share mode and writes only if they match, so a token taken before a rebuild
 * can never become an order after it. The database does not trust the list either: the units are taken in the stock
 * ledger too (several rows, so purchases do not queue on one), and a token the ledger has no unit for means the list
 * lost writes. A token whose order was surely not written goes back to the list; until its attempt settles, what it
 * took counts as in flight, and a buyer who finds too few tokens while enough are in flight tries again rather than
 * being told sold out (the unit would otherwise stay unsold once it came back).
 */
@Component
class TokenStock implements StockTaking {
    private final TokenQueue tokens;
    private final StockLedger ledger;
    private final GateFences gateFences;

    TokenStock(TokenQueue tokens, StockLedger ledger, GateFences gateFences) {
        this.tokens = tokens;
        this.ledger = ledger;
        this.gateFences = gateFences;
    }

    @Override
    public StockStrategy strategy() {
        return StockStrategy.TOKEN_QUEUE;
    }

    /** More rounds than the default: a buyer waiting for units in flight to settle starts over too. */
    @Override
    public int maxRounds() {
        return 8;
    }

    @Override
    public Attempt begin(Sale sale, String userId, int quantity) {
        // an empty list answers at once, without a transaction (a replay still finds its order)
        if (tokens.available(sale.id()).orElse(Long.MAX_VALUE) < quantity) {
            return new StockTaking.Stopped(Verdict.SOLD_OUT);
        }
        String id = Ids.newId();
        return new Attempt() {
            private long epoch = -1;
            private boolean keep;

            @Override
            public Verdict take() {
                switch (tokens.take(sale.id(), quantity, id)) {
                    case TokenQueue.Take.SoldOut s -> {
                        return Verdict.SOLD_OUT;
                    }
                    case TokenQueue.Take.InFlight f -> {
                        return Verdict.retry("units taken by attempts in flight may come back");
                    }
                    case TokenQueue.Take.Missing m -> {
                        return Verdict.MISSING;
                    }
                    case TokenQueue.Take.Taken taken -> epoch = taken.epoch();
                }
                GateFences.Fence fence = gateFences.lock(Set.of(sale.id())).get(sale.id());
                if (fence == null || fence.gateEpoch() != epoch) {
                    keep = true; // the list was rebuilt since: these tokens are void, not to be put back
                    return Verdict.retry("the sale's token list was rebuilt meanwhile");
                }
                if (!ledger.take(sale.id(), quantity)) {
                    keep = true; // tokens of a list that lost writes: the rebuild recounts it
                    return Verdict.CONTRADICTED;
                }
                return Verdict.GO;
            }

            @Override
            public void end(Ending ending) {
                if (epoch < 0) {
                    return; // nothing taken
                }
                try {
                    if (ending == Ending.NOT_WRITTEN && !keep) {
                        tokens.putBack(sale.id(), epoch, quantity);
                    }
                } finally {
                    // after the tokens are back: in between, they count both in the list and in flight, never in
                    // neither (a buyer then would be told sold out)
                    tokens.settle(sale.id(), id, quantity);
                }
            }
        };
    }
}
