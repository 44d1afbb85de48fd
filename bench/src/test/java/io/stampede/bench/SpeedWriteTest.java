package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeedWriteTest {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 3);

    @Test
    void aSecondRunOfTheDayWritesBesideTheFirstInsteadOfOverTheFilesTheDocsLinkTo(@TempDir Path dir)
            throws IOException {
        assertEquals("2026-12-03-speed", SpeedDriver.freeStem(dir, DAY));

        Files.writeString(dir.resolve("2026-12-03-speed.md"), "first run");
        assertEquals("2026-12-03b-speed", SpeedDriver.freeStem(dir, DAY));

        Files.writeString(dir.resolve("2026-12-03b-speed.md"), "second run");
        assertEquals("2026-12-03c-speed", SpeedDriver.freeStem(dir, DAY));
        assertEquals("2026-12-04-speed", SpeedDriver.freeStem(dir, DAY.plusDays(1)));
    }
}
