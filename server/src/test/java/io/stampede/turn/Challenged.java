package io.stampede.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.turn.domain.ProofOfWork;
import java.util.List;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;

/**
 * A proof-of-work challenge as a shopper gets it from {@code GET /api/sales/{id}/challenge}, its answer, and the
 * bodies a join or an entry must be refused with: a wrong nonce, an altered challenge, no nonce, a malformed nonce.
 */
record Challenged(String challenge, String nonce, List<String> refusedBodies) {
    static Challenged fetch(Http http, String saleId, String shopperToken, int difficulty) {
        JsonNode issued =
                http.get("/api/sales/" + saleId + "/challenge", shopperToken).json();
        assertThat(issued.path("difficulty").asInt()).isEqualTo(difficulty);
        String c = issued.path("challenge").asString();
        String answer = ProofOfWork.solve(c, difficulty);
        String wrong = IntStream.range(0, 1000)
                .mapToObj(Integer::toString)
                .filter(n -> !ProofOfWork.solves(c, n, difficulty))
                .findFirst()
                .orElseThrow();
        return new Challenged(
                c,
                answer,
                List.of(
                        body(c, wrong),
                        body(c + "x", answer),
                        "{\"challenge\":\"" + c + "\"}",
                        body(c, "not a nonce!")));
    }

    /** The body that answers the challenge. */
    String solvedBody() {
        return body(challenge, nonce);
    }

    private static String body(String challenge, String nonce) {
        return "{\"challenge\":\"" + challenge + "\",\"nonce\":\"" + nonce + "\"}";
    }
}
