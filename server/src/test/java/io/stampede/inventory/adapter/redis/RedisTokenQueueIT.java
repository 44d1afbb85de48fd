package io.stampede.inventory.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.port.TokenQueue;
import io.stampede.shared.Ids;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.Together;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * TOKEN_QUEUE's list takes all or nothing: a take of more units than are left never pops the last units, so a buyer
 * of fewer units racing it is never told sold out while units remain (the unit would stay unsold for good).
 */
@IntegrationTest
class RedisTokenQueueIT {
    private static final int ROUNDS = 300;

    @Autowired
    TokenQueue tokens;

    @Test
    void aTakeOfTwoWhenOneIsLeftNeverHidesItFromATakeOfOne() throws Exception {
        int strandedRounds = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String sale = Ids.newId();
            assertThat(tokens.rebuild(sale, () -> new TokenQueue.State(1, Set.of(), 7)))
                    .isTrue();
            List<Callable<TokenQueue.Take>> racing =
                    List.of(() -> tokens.take(sale, 2), () -> tokens.take(sale, 2), () -> tokens.take(sale, 1));
            List<TokenQueue.Take> takes = Together.run(racing);

            assertThat(takes.subList(0, 2)).allSatisfy(t -> assertThat(t).isInstanceOf(TokenQueue.Take.SoldOut.class));
            if (!(takes.get(2) instanceof TokenQueue.Take.Taken)) {
                strandedRounds++;
            }
            assertThat(tokens.available(sale).orElseThrow())
                    .as("the last unit was taken by the buyer of one, or is still there")
                    .isEqualTo(takes.get(2) instanceof TokenQueue.Take.Taken ? 0 : 1);
        }
        assertThat(strandedRounds)
                .as("rounds of %d where the buyer of one was told sold out while a unit was left", ROUNDS)
                .isZero();
    }

    @Test
    void aTakeAnswersMissingWithoutABuildAndTakesTheBuildsEpoch() {
        String sale = Ids.newId();
        assertThat(tokens.take(sale, 1)).isInstanceOf(TokenQueue.Take.Missing.class);

        assertThat(tokens.rebuild(sale, () -> new TokenQueue.State(3, Set.of(), 0)))
                .isTrue();
        assertThat(tokens.take(sale, 2)).isEqualTo(new TokenQueue.Take.Taken(0));
        assertThat(tokens.take(sale, 2)).isInstanceOf(TokenQueue.Take.SoldOut.class);
        assertThat(tokens.available(sale).orElseThrow()).isEqualTo(1);
        assertThat(tokens.take(sale, 1)).isEqualTo(new TokenQueue.Take.Taken(0));
        assertThat(tokens.take(sale, 1)).isInstanceOf(TokenQueue.Take.SoldOut.class);
    }
}
