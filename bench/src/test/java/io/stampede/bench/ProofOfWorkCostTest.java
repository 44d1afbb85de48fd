package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProofOfWorkCostTest {

    @Test
    void countsLeadingZeroBits() {
        assertEquals(0, ProofOfWorkCost.leadingZeroBits(new byte[] {(byte) 0x80, 0}));
        assertEquals(7, ProofOfWorkCost.leadingZeroBits(new byte[] {1, 0}));
        assertEquals(8, ProofOfWorkCost.leadingZeroBits(new byte[] {0, (byte) 0xff}));
        assertEquals(12, ProofOfWorkCost.leadingZeroBits(new byte[] {0, 0x0f}));
        assertEquals(16, ProofOfWorkCost.leadingZeroBits(new byte[] {0, 0}));
    }

    @Test
    void checksAnAnswerOfTheSizeTheServiceIssues() {
        // difficulty 0 is met by anything; a nonce that meets 8 bits is found by counting up, as the pages do
        assertTrue(ProofOfWorkCost.solves(ProofOfWorkCost.CHALLENGE, "0", 0));
        long nonce = 0;
        while (!ProofOfWorkCost.solves(ProofOfWorkCost.CHALLENGE, Long.toString(nonce), 8)) {
            nonce++;
        }
        assertFalse(ProofOfWorkCost.solves(ProofOfWorkCost.CHALLENGE, Long.toString(nonce), 64));
        ProofOfWorkCost.Result r = ProofOfWorkCost.measure(Duration.ZERO, Duration.ofMillis(50));
        assertEquals(120, r.inputBytes());
        assertTrue(r.checks() > 0 && r.nanosPerCheck() > 0);
    }
}
