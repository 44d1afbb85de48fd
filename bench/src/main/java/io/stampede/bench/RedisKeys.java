package io.stampede.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Removes the keys a benchmark server wrote under its own prefix from the machine's Redis, so repeated comparisons
 * do not leave hundreds of thousands of keys behind; and reads {@code INFO} for the modes that measure Redis's own CPU
 * and memory. A few lines of RESP over a socket: no client library needed.
 */
final class RedisKeys {

    private RedisKeys() {}

    /** Deletes every key starting with {@code prefix} (SCAN + UNLINK); returns how many were deleted. */
    static long deleteByPrefix(String host, int port, String prefix) throws IOException {
        if (!prefix.matches("[A-Za-z0-9:_-]+")) {
            // the prefix becomes a SCAN glob: refuse anything that could match more than the bench's own keys
            throw new IllegalArgumentException("unsafe key prefix " + prefix);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String cursor = "0";
            long deleted = 0;
            do {
                send(
                        out,
                        List.of(
                                bytes("SCAN"),
                                bytes(cursor),
                                bytes("MATCH"),
                                bytes(prefix + "*"),
                                bytes("COUNT"),
                                bytes("2000")));
                List<?> reply = (List<?>) read(in);
                cursor = new String((byte[]) reply.get(0), StandardCharsets.UTF_8);
                List<?> keys = (List<?>) reply.get(1);
                if (!keys.isEmpty()) {
                    List<byte[]> command = new ArrayList<>();
                    command.add(bytes("UNLINK"));
                    keys.forEach(k -> command.add((byte[]) k));
                    send(out, command);
                    deleted += (Long) read(in);
                }
            } while (!cursor.equals("0"));
            return deleted;
        }
    }

    /**
     * The fields of {@code INFO <section>} as name to value ({@code used_cpu_user}, {@code used_memory}, …); empty when
     * Redis cannot be reached, so a reading that fails shows up as a missing figure rather than a failed run.
     */
    static Map<String, String> info(String host, int port, String section) {
        Map<String, String> fields = new LinkedHashMap<>();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            send(out, List.of(bytes("INFO"), bytes(section)));
            Object reply = read(in);
            if (reply instanceof byte[] text) {
                for (String line :
                        new String(text, StandardCharsets.UTF_8).lines().toList()) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && !line.startsWith("#")) {
                        fields.put(
                                line.substring(0, colon),
                                line.substring(colon + 1).strip());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            fields.clear();
        }
        return fields;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(OutputStream out, List<byte[]> args) throws IOException {
        out.write(bytes("*" + args.size() + "\r\n"));
        for (byte[] arg : args) {
            out.write(bytes("$" + arg.length + "\r\n"));
            out.write(arg);
            out.write(bytes("\r\n"));
        }
        out.flush();
    }

    /** One RESP2 value: simple string, error (thrown), integer, bulk string (bytes, null when nil) or array. */
    private static Object read(DataInputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IOException("Redis answered " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] data = new byte[length];
                in.readFully(data);
                line(in);
                yield data;
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>(Math.max(count, 0));
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                yield items;
            }
            case -1 -> throw new EOFException("Redis closed the connection");
            default -> throw new IOException("unexpected RESP type " + (char) type);
        };
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c == -1) {
                throw new EOFException("Redis closed the connection");
            }
            s.append((char) c);
        }
        in.read(); // '\n'
        return s.toString();
    }
}
