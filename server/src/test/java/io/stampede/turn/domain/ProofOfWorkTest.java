package io.stampede.turn.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProofOfWorkTest {
    @Test
    void countsLeadingZeroBits() {
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0, 1})).isEqualTo(23);
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {(byte) 0x80})).isZero();
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0x0f})).isEqualTo(4);
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0})).isEqualTo(16);
    }

    @Test
    void aSolvedNonceSolvesAndOthersDoNot() {
        String challenge = "a-challenge";
        String nonce = ProofOfWork.solve(challenge, 12);
        assertThat(ProofOfWork.solves(challenge, nonce, 12)).isTrue();
        assertThat(ProofOfWork.solves(challenge + "x", nonce, 12)).isFalse(); // 1 in 4096 chance it does: fixed input
        assertThat(ProofOfWork.solves(challenge, "not allowed!", 0))
                .as("nonces are alphanumeric")
                .isFalse();
        assertThat(ProofOfWork.solves(challenge, "0".repeat(33), 0)).isFalse();
        int solvedAt12 = 0;
        for (int n = 0; n < 20_000; n++) {
            if (ProofOfWork.solves(challenge, Integer.toString(n), 12)) {
                solvedAt12++;
            }
        }
        assertThat(solvedAt12)
                .as("about one nonce in 4096 solves difficulty 12")
                .isBetween(1, 15);
    }
}
