package io.stampede.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What Linux's {@code /proc} tells about a process and the machine: CPU time (user + system, in clock ticks of
 * 10 ms), resident memory and open files. Every reader answers -1 where {@code /proc} is missing or unreadable.
 */
final class ProcStats {

    /** USER_HZ, the unit of the CPU times in {@code /proc}: 100 on every mainstream Linux. */
    static final double TICKS_PER_SECOND = 100.0;

    private static final Pattern SPACES = Pattern.compile("\\s+");

    /** The machine's CPU time since boot, all cores summed: total and idle (idle + iowait), in ticks. */
    record Machine(long total, long idle) {}

    private ProcStats() {}

    /** User + system CPU time of {@code pid} ("self" for the bench), in ticks. */
    static long cpuTicks(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
            return cpuTicksOf(stat);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User + system CPU time of {@code pid} in nanoseconds (at the ticks' resolution), -1 when unreadable. */
    static long cpuNanos(String pid) {
        long ticks = cpuTicks(pid);
        return ticks < 0 ? -1 : (long) (ticks * 1e9 / TICKS_PER_SECOND);
    }

    /** utime + stime of a {@code /proc/<pid>/stat} line (fields 14 and 15; the name in parentheses may hold spaces). */
    static long cpuTicksOf(String stat) {
        String[] fields = SPACES.split(stat.substring(stat.lastIndexOf(')') + 2).strip(), -1);
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Resident set size of {@code pid} in KiB (VmRSS of {@code /proc/<pid>/status}). */
    static long rssKib(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:"))
                    .findFirst()
                    .map(l -> Long.parseLong(SPACES.split(l.substring(6).strip(), -1)[0]))
                    .orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Open file descriptors of {@code pid} (its sockets among them). */
    static long openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static Machine machine() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String cpu = lines.filter(l -> l.startsWith("cpu ")).findFirst().orElse("");
            return machineOf(cpu);
        } catch (IOException | RuntimeException e) {
            return new Machine(-1, -1);
        }
    }

    /** The first line of {@code /proc/stat}: user nice system idle iowait irq softirq steal (guest is in user). */
    static Machine machineOf(String cpuLine) {
        String[] f = SPACES.split(cpuLine.strip(), -1);
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            total += Long.parseLong(f[i]);
        }
        return new Machine(total, Long.parseLong(f[4]) + Long.parseLong(f[5]));
    }
}
