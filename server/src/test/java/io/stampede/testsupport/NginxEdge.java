package io.stampede.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The shipped edge, {@code deploy/edge/nginx.conf}, rendered with a test's placeholders and run by the machine's
 * {@code nginx} on a free loopback port in front of one or more instances; stopped and its files deleted by
 * {@link #close}.
 */
public final class NginxEdge implements AutoCloseable {
    private final Process nginx;
    private final Path prefix;
    private final int port;

    private NginxEdge(Process nginx, Path prefix, int port) {
        this.nginx = nginx;
        this.prefix = prefix;
        this.port = port;
    }

    /** The installed nginx binary, if any (CI installs one). */
    public static Optional<Path> binary() {
        return Stream.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The limits of the edge: see the placeholders at the top of the template. */
    public record Limits(int rate, int burst, int inFlight, int perClient) {
        /** Limits far above anything a test sends: the edge only spreads and passes. */
        public static Limits none() {
            return new Limits(100_000, 100_000, 10_000, 10_000);
        }
    }

    /** Starts the edge in front of the instances on these loopback ports. */
    public static NginxEdge start(Limits limits, List<Integer> upstreamPorts) {
        Path binary = binary().orElseThrow(() -> new IllegalStateException("no nginx installed"));
        try {
            // readable by the user nginx's workers run as when it is started as root
            Path prefix = Files.createTempDirectory(
                    "stampede-edge",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            int edgePort = TestServices.freePort();
            // a server line per instance (the template's comment names the placeholder too: that stays as it is)
            String upstreams = upstreamPorts.stream()
                    .map(p -> "server 127.0.0.1:" + p + ";")
                    .collect(Collectors.joining("\n    "));
            String conf = Files.readString(template())
                    .replace("@PREFIX@", prefix.toString())
                    .replace("@LISTEN@", "127.0.0.1:" + edgePort)
                    .replace("server @UPSTREAM@;", upstreams)
                    .replace("@RATE@", Integer.toString(limits.rate()))
                    .replace("@BURST@", Integer.toString(limits.burst()))
                    .replace("@IN_FLIGHT@", Integer.toString(limits.inFlight()))
                    .replace("@PER_CLIENT@", Integer.toString(limits.perClient()));
            Path file = prefix.resolve("nginx.conf");
            Files.writeString(file, conf);
            Process nginx = new ProcessBuilder(
                            binary.toString(), "-p", prefix.toString(), "-c", file.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("stdout.log").toFile())
                    .start();
            NginxEdge edge = new NginxEdge(nginx, prefix, edgePort);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listening(edgePort) || !nginx.isAlive());
            assertThat(nginx.isAlive())
                    .as("nginx started: " + Files.readString(prefix.resolve("stdout.log")))
                    .isTrue();
            return edge;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Http http() {
        return new Http("http://127.0.0.1:" + port);
    }

    private static Path template() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("deploy/edge/nginx.conf");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "deploy/edge/nginx.conf not found above " + Path.of("").toAbsolutePath());
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        nginx.destroy(); // SIGTERM: nginx stops its workers and exits
        try {
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(prefix)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
