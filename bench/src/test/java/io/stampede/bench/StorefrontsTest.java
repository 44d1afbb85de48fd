package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorefrontsTest {

    /** Two events of a chunked stream, the second split across writes in the middle of its event line. */
    private static final List<String> STREAM = List.of(
            "HTTP/1.1 200 \r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
            "20\r\nevent:sales\ndata:{\"items\":[]}\n\n\r\n",
            ": ping\n\n",
            "20\r\nevent:sa",
            "les\ndata:{\"items\":[]}\n\n\r\n");

    @Test
    void countsTheFirstFrameOfEverySubscriberAndEveryFrameAfterIt() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread server = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 3; i++) {
                        Socket socket = listener.accept();
                        accepted.add(socket);
                        OutputStream out = socket.getOutputStream();
                        for (String part : STREAM) {
                            out.write(part.getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            Thread.sleep(5);
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the test's assertions say what went wrong
                }
            });
            long started = System.nanoTime();
            Storefronts storefronts =
                    Storefronts.open("127.0.0.1", listener.getLocalPort(), "/api/stream/sales", "sales", 3, 2, 2);
            try {
                Storefronts.Opening opening = storefronts.awaitOpen(3, started, Duration.ofSeconds(10));
                assertTrue(opening.complete());
                assertEquals(3, opening.firstFrames());
                server.join(10_000);
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (storefronts.snapshot().frames() < 6 && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                Storefronts.Snapshot s = storefronts.snapshot();
                assertEquals(3, s.opened());
                assertEquals(6, s.frames());
                assertEquals(0, s.failed());
            } finally {
                storefronts.close();
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aStreamThatDoesNotAnswer200Fails() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().start(() -> {
                try (Socket socket = listener.accept()) {
                    socket.getOutputStream()
                            .write("HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    // the test's assertions say what went wrong
                }
            });
            long started = System.nanoTime();
            Storefronts storefronts =
                    Storefronts.open("127.0.0.1", listener.getLocalPort(), "/api/stream/sales", "sales", 1, 1, 1);
            try {
                Storefronts.Opening opening = storefronts.awaitOpen(1, started, Duration.ofSeconds(10));
                assertEquals(0, opening.firstFrames());
                assertEquals(1, opening.failed());
            } finally {
                storefronts.close();
                server.join(10_000);
            }
        }
    }

    @Test
    void readsProcLines() {
        assertEquals(
                30 + 7,
                ProcStats.cpuTicksOf("1234 (java (x) y) S 1 2 3 4 5 6 7 8 9 10 30 7 0 0 20 0 40 0 100 200 300"));
        ProcStats.Machine m = ProcStats.machineOf("cpu  100 5 50 800 20 1 2 3 0 0");
        assertEquals(981, m.total());
        assertEquals(820, m.idle());
    }
}
