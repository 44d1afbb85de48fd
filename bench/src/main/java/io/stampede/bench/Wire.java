package io.stampede.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One keep-alive HTTP/1.1 connection that posts purchases (and, for {@code --mode room}, any small JSON request), written against the socket so that the overload driver
 * spends its one core on offering load, not on a general client's machinery: no connection pool, no per-request
 * objects beyond the bytes. It models what an application instance sees behind a load balancer: a bounded set of
 * upstream connections, each carrying one request after another.
 */
final class Wire implements Closeable {
    private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"");

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    Wire(URI base, Duration timeout) {
        if (!"http".equalsIgnoreCase(base.getScheme())) {
            throw new SetupException("the overload driver speaks plain http only, not " + base.getScheme());
        }
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : 80;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    /** Opens the connection now, so that connecting is not part of the first request's latency. */
    void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(timeoutMillis);
        s.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = new BufferedOutputStream(s.getOutputStream(), 4096);
    }

    /** One answer: the status, the problem {@code code} (or null) and the body as text. */
    record Reply(int status, String code, String body) {}

    /** Posts {@code body} as JSON; the connection is dropped on any error and opened again by the next call. */
    Burst.Outcome post(String path, String token, String idempotencyKey, byte[] body) {
        return post(path, token, idempotencyKey, "", body);
    }

    /** As {@link #post(String, String, String, byte[])}, with {@code headers}: ready lines, each ending in CRLF. */
    Burst.Outcome post(String path, String token, String idempotencyKey, String headers, byte[] body) {
        Reply reply = send("POST", path, token, "Idempotency-Key: " + idempotencyKey + "\r\n" + headers, body);
        if (reply.status() < 0) {
            return new Burst.Outcome(reply.status(), reply.code(), null);
        }
        String orderId = reply.status() == 201 || reply.status() == 202 ? first(ORDER_ID, reply.body()) : null;
        return new Burst.Outcome(reply.status(), reply.code(), orderId);
    }

    /**
     * Sends one request ({@code body} as JSON when not null, {@code headers} as ready lines each ending in CRLF, a
     * bearer token when not null) and reads its answer; a transport error or an unparsable answer comes back as
     * status {@link Burst.Outcome#TRANSPORT_ERROR} with the reason as code, and the connection is dropped.
     */
    Reply send(String method, String path, String token, String headers, byte[] body) {
        try {
            connect();
            StringBuilder head = new StringBuilder(256 + (token == null ? 0 : token.length()));
            head.append(method)
                    .append(' ')
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: ")
                    .append(host)
                    .append(':')
                    .append(port)
                    .append("\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            head.append(headers).append("Accept: application/json\r\n");
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ")
                        .append(body.length)
                        .append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read();
        } catch (IOException e) {
            close();
            return new Reply(Burst.Outcome.TRANSPORT_ERROR, Burst.describe(e), "");
        } catch (RuntimeException e) {
            close(); // a response this client cannot parse: the connection is out of step, start a new one
            return new Reply(Burst.Outcome.TRANSPORT_ERROR, "unparsable response: " + e.getMessage(), "");
        }
    }

    private Reply read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP response: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        if (code >= 100 && code < 200) {
            for (String header = line(); !header.isEmpty(); header = line()) {
                // an interim response (100 Continue): its headers, then the real one follows
            }
            return read();
        }
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = status.startsWith("HTTP/1.0");
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" ->
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.toLowerCase(Locale.ROOT).contains("close");
                default -> {}
            }
        }
        boolean bodiless = code == 204 || code == 304;
        byte[] payload =
                bodiless ? new byte[0] : chunked ? chunks() : length >= 0 ? exactly((int) length) : in.readAllBytes();
        if (closeAfter || (!bodiless && !chunked && length < 0)) {
            close();
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        return new Reply(code, first(CODE, text), text);
    }

    private byte[] chunks() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(); size > 0; size = chunkSize()) {
            body.write(exactly(size));
            line(); // the CRLF after the chunk
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
            // trailers carry nothing this driver needs
        }
        return body.toByteArray();
    }

    private int chunkSize() throws IOException {
        String sizeLine = line();
        int semicolon = sizeLine.indexOf(';');
        return Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
    }

    private byte[] exactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("the body ended after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the connection closed mid-response");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    static String first(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing left to do
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
