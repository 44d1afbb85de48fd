package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpeedOptionsTest {

    @Test
    void theOverloadStepsAre1000And5000ConnectionsAndTheDriverWarmsItselfFirst() {
        SpeedOptions o = SpeedOptions.parse("--mode", "speed");
        assertEquals(List.of(1000, 5000), o.highConcurrencies());
        assertEquals(15, o.clientWarmUpSeconds());
        assertFalse(o.serviceAdmission(), "admission limits are raised unless asked otherwise");
        assertEquals(List.of("REDIS_LUA", "DB_PESSIMISTIC"), o.strategies().subList(0, 2));
    }

    @Test
    void overloadStepsAreAListOfConnectionCounts() {
        SpeedOptions o = SpeedOptions.parse(
                "--mode",
                "speed",
                "--high-concurrency",
                "2_000, 8000",
                "--client-warm-up-seconds",
                "0",
                "--service-admission");
        assertEquals(List.of(2000, 8000), o.highConcurrencies());
        assertTrue(o.serviceAdmission());
        assertEquals(0, o.clientWarmUpSeconds());
    }

    @Test
    void aStepThatIsNotACountIsRefusedByName() {
        Options.UsageException notANumber = assertThrows(
                Options.UsageException.class,
                () -> SpeedOptions.parse("--mode", "speed", "--high-concurrency", "1000,lots"));
        assertTrue(notANumber.getMessage().contains("--high-concurrency"), notANumber.getMessage());
        Options.UsageException tooMany = assertThrows(
                Options.UsageException.class,
                () -> SpeedOptions.parse("--mode", "speed", "--high-concurrency", "1000,200000"));
        assertTrue(tooMany.getMessage().contains("200000"), tooMany.getMessage());
        assertThrows(
                Options.UsageException.class, () -> SpeedOptions.parse("--mode", "speed", "--high-concurrency", ""));
    }
}
