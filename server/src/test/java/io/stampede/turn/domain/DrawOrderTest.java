package io.stampede.turn.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DrawOrderTest {
    private static final String SEED = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @Test
    void theEntryListIsSortedOneIdPerLineWhateverTheOrderOfEntry() {
        byte[] list = DrawOrder.entryList(List.of("u2", "u10", "alice", "u1"));
        assertThat(new String(list, StandardCharsets.UTF_8)).isEqualTo("alice\nu1\nu10\nu2\n");
        assertThat(DrawOrder.entryList(List.of("u1", "u2"))).isEqualTo(DrawOrder.entryList(List.of("u2", "u1")));
    }

    @Test
    void hashesAreTheLowercaseHexSha256OfTheBytes() {
        // SHA-256("abc"), from FIPS 180-2
        assertThat(DrawOrder.sha256Hex("abc".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(DrawOrder.entryList(List.of("u1", "u2"))).isNotEqualTo(DrawOrder.entryList(List.of("u1", "u3")));
        assertThat(DrawOrder.seedHash(SEED)).hasSize(64).isNotEqualTo(DrawOrder.seedHash(SEED.replace('0', '1')));
    }

    @Test
    void theOrderDependsOnTheSeedAndTheEntrantsOnlyNotOnTheOrderOfEntry() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            users.add("user-" + i);
        }
        List<String> order = DrawOrder.order(SEED, users);
        assertThat(order).containsExactlyInAnyOrderElementsOf(users);
        List<String> shuffled = new ArrayList<>(users);
        Collections.shuffle(shuffled, new Random(7));
        assertThat(DrawOrder.order(SEED, shuffled)).isEqualTo(order);
        assertThat(DrawOrder.order(SEED.replace('a', 'b'), users)).isNotEqualTo(order);
        long firstHalfWinners = order.subList(0, 250).stream()
                .filter(u -> Integer.parseInt(u.substring(5)) < 250)
                .count();
        assertThat(firstHalfWinners)
                .as("the draw order owes nothing to the user ids' own order")
                .isBetween(90L, 160L);
    }
}
