package io.stampede.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.stampede.testsupport.Browser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the proof of work of {@code docs/fair-drops.md} costs a shopper's browser, measured and printed, not asserted:
 * the page's own solver ({@code js/pow-solve.js}, in the page's Web Worker or on the main thread) in a real headless
 * Chromium, at the difficulties 12, 16, 18 and 20 bits, on this machine and with CDP's {@code
 * Emulation.setCPUThrottlingRate} at 4 (a phone is about 4 times slower than one core of this machine). Chromium
 * throttles only the page's main thread, not its workers, so the phone-class figure runs the same solver on the main
 * thread; the table says so. Runs only with {@code -Dstampede.powcost=true}; writes the table to stdout and to {@code
 * target/pow-cost.md}. It needs no database: a small HTTP server serves the pages' scripts from the classpath (a
 * localhost origin, so crypto.subtle is there as on an https shop).
 *
 * <pre>
 * ./mvnw -B verify -pl server -Dskip.unit=true -Dit.test=ProofOfWorkCostIT -Dstampede.powcost=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "stampede.powcost", matches = "true")
class ProofOfWorkCostIT {
    private static final int[] DIFFICULTIES = {12, 16, 18, 20};
    private static final Map<Integer, Integer> RUNS = Map.of(12, 20, 16, 8, 18, 4, 20, 3);
    private static final double PHONE_SLOWDOWN = 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One way to run the solver: where, with which SHA-256, under which CPU throttling. */
    private record Setup(String label, String where, String impl, int throttle) {}

    private record Runs(List<Double> seconds, long tried, double totalMs) {
        double hashesPerSecond() {
            return tried / (totalMs / 1000);
        }

        double median() {
            List<Double> sorted = seconds.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }

    @Test
    void measureWhatTheProofOfWorkCostsAPhone() throws Exception {
        HttpServer server = staticServer();
        server.start();
        List<Setup> setups = List.of(
                new Setup("page: Worker, crypto.subtle", "worker", "subtle", 1),
                new Setup("page: Worker, crypto.subtle, CPU throttle 4", "worker", "subtle", 4),
                new Setup("main thread, crypto.subtle, CPU throttle 4", "main", "subtle", 4),
                new Setup("Worker, plain JS SHA-256", "worker", "js", 1),
                new Setup("main thread, plain JS SHA-256, CPU throttle 4", "main", "js", 4));
        StringBuilder table = new StringBuilder();
        try (Browser b = Browser.open(1280, 900)) {
            b.driver().manage().timeouts().scriptTimeout(Duration.ofMinutes(10));
            b.go("http://localhost:" + server.getAddress().getPort() + "/");
            Object cores = b.script("return navigator.hardwareConcurrency;");
            table.append(String.format(
                    Locale.ROOT,
                    "Chromium %s, %s logical cores, %s; load average at the start: %s%n%n",
                    b.driver().getCapabilities().getBrowserVersion(),
                    cores,
                    System.getProperty("os.arch"),
                    loadAverage()));
            table.append(
                    "| setup | bits | runs | hashes/s | median s | mean s (measured) | expected s | 90% within s |\n");
            table.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Setup setup : setups) {
                b.driver().executeCdpCommand("Emulation.setCPUThrottlingRate", Map.of("rate", setup.throttle()));
                solve(b, setup, 8); // warm up the JIT and the worker's module cache
                for (int bits : DIFFICULTIES) {
                    Runs runs = measure(b, setup, bits, RUNS.get(bits));
                    double expected = Math.pow(2, bits) / runs.hashesPerSecond();
                    String row = String.format(
                            Locale.ROOT,
                            "| %s | %d | %d | %,.0f | %.2f | %.2f | %.2f | %.2f |%n",
                            setup.label(),
                            bits,
                            runs.seconds().size(),
                            runs.hashesPerSecond(),
                            runs.median(),
                            runs.seconds().stream()
                                    .mapToDouble(Double::doubleValue)
                                    .average()
                                    .orElse(0),
                            expected,
                            expected * Math.log(10));
                    System.out.print(row);
                    table.append(row);
                }
            }
            b.driver().executeCdpCommand("Emulation.setCPUThrottlingRate", Map.of("rate", 1));
            assertThat(b.consoleErrors()).isEmpty();
        } finally {
            server.stop(0);
        }
        table.append(String.format(Locale.ROOT, "%nload average at the end: %s%n", loadAverage()));
        table.append(String.format(
                Locale.ROOT,
                "expected s = 2^bits / hashes/s (the mean of the geometric number of tries); 90%% within = expected"
                        + " x ln 10; a phone without throttling: the unthrottled Worker's figures x %.0f.%n",
                PHONE_SLOWDOWN));
        System.out.println();
        System.out.println(table);
        Path out = Path.of("target", "pow-cost.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
    }

    private static Runs measure(Browser b, Setup setup, int bits, int count) throws Exception {
        List<Double> seconds = new ArrayList<>();
        long tried = 0;
        double totalMs = 0;
        for (int i = 0; i < count; i++) {
            Map<?, ?> r = solve(b, setup, bits);
            long t = ((Number) r.get("tried")).longValue();
            double ms = ((Number) r.get("ms")).doubleValue();
            tried += t;
            totalMs += ms;
            seconds.add(ms / 1000);
        }
        return new Runs(seconds, tried, totalMs);
    }

    /** One solve of a fresh random challenge by the page's solver; checks the answer as the service would. */
    private static Map<?, ?> solve(Browser b, Setup setup, int bits) throws Exception {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String challenge = HexFormat.of().formatHex(random);
        String script = setup.where().equals("worker")
                ? "const done = arguments[arguments.length - 1];"
                        + "import('/js/pow.js').then((m) => m.solveProofOfWork(arguments[0], arguments[1],"
                        + " {impl: arguments[2]})).then(done, (e) => done({error: String(e)}));"
                : "const done = arguments[arguments.length - 1];"
                        + "import('/js/pow-solve.js').then((m) => m.solve({challenge: arguments[0],"
                        + " difficulty: arguments[1], impl: arguments[2]})).then(done, (e) => done({error: String(e)}));";
        Object answer = b.driver().executeAsyncScript(script, challenge, bits, setup.impl());
        assertThat(answer).isInstanceOf(Map.class);
        Map<?, ?> r = (Map<?, ?>) answer;
        assertThat(r.get("error")).as("the solver ran").isNull();
        assertThat(r.get("impl")).isEqualTo(setup.impl());
        byte[] hash = MessageDigest.getInstance("SHA-256")
                .digest((challenge + ":" + r.get("nonce")).getBytes(StandardCharsets.UTF_8));
        assertThat(BrowserIT.leadingZeroBits(hash)).as("a right answer").isGreaterThanOrEqualTo(bits);
        return r;
    }

    /** The machine's load (1, 5 and 15 minutes), which these figures depend on; "unknown" off Linux. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ", -1);
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Serves {@code /} (an empty page) and the pages' scripts from the classpath's {@code static/}. */
    private static HttpServer staticServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type;
            if (path.equals("/")) {
                body =
                        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>proof of work cost</title>"
                                .concat("<link rel=\"icon\" href=\"data:,\"></head><body></body></html>")
                                .getBytes(StandardCharsets.UTF_8);
                type = "text/html; charset=utf-8";
            } else {
                InputStream in = path.startsWith("/js/") && !path.contains("..")
                        ? ProofOfWorkCostIT.class.getResourceAsStream("/static" + path)
                        : null;
                if (in == null) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                try (in) {
                    body = in.readAllBytes();
                }
                type = "text/javascript; charset=utf-8";
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        return server;
    }
}
