package io.stampede.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many idle subscribers of one Server-Sent-Events stream, held as cheaply as the bench can: a few platform threads,
 * each with one NIO selector, open the connections (a bounded number at a time), send the GET, then read and discard
 * what arrives, counting only the {@code event:sales} lines (the first frame of each, and every frame after it),
 * the bytes and the connections the server closed. Closing resets every connection (SO_LINGER 0), so that ten
 * thousand closes leave no TIME_WAIT behind on the bench's ports.
 */
final class Storefronts implements AutoCloseable {

    /** What the subscribers have received so far. */
    record Snapshot(long opened, long firstFrames, long frames, long bytes, long closedByServer, long failed) {}

    /** How the opening went: how many got their first frame, and when the last of them did. */
    record Opening(int wanted, long firstFrames, long failed, Duration took, boolean complete) {}

    private static final byte[] STATUS_OK = "HTTP/1.1 200".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress address;
    private final byte[] request;
    private final byte[] event;
    private final int[] fallback;
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong firstFrames = new AtomicLong();
    private final LongAdder frames = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong closedByServer = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastFailure = "";

    /**
     * Starts opening {@code count} subscribers of {@code path} on {@code host:port} over {@code threads} selector
     * threads, at most {@code inFlight} of them connected without a first frame at a time; {@link #awaitOpen} waits
     * for their first {@code event:<eventName>} frames.
     */
    static Storefronts open(String host, int port, String path, String eventName, int count, int threads, int inFlight)
            throws IOException {
        return new Storefronts(host, port, path, eventName, count, threads, inFlight);
    }

    private Storefronts(String host, int port, String path, String eventName, int count, int threads, int inFlight)
            throws IOException {
        this.address = new InetSocketAddress(host, port);
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                        + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        this.event = ("event:" + eventName + "\n").getBytes(StandardCharsets.US_ASCII);
        this.fallback = failureTable(event);
        int n = Math.min(threads, count);
        for (int i = 0; i < n; i++) {
            int share = count / n + (i < count % n ? 1 : 0);
            int pending = Math.max(1, inFlight / n);
            workers.add(new Worker(i, share, pending));
        }
        workers.forEach(w -> w.thread.start());
    }

    /** Waits until every subscriber has its first frame or failed, or the budget is spent. */
    Opening awaitOpen(int wanted, long startedNanos, Duration budget) throws InterruptedException {
        long until = startedNanos + budget.toNanos();
        while (firstFrames.get() + failed.get() < wanted && System.nanoTime() - until < 0) {
            Thread.sleep(5);
        }
        long first = firstFrames.get();
        return new Opening(
                wanted, first, failed.get(), Duration.ofNanos(System.nanoTime() - startedNanos), first >= wanted);
    }

    Snapshot snapshot() {
        return new Snapshot(
                opened.get(), firstFrames.get(), frames.sum(), bytes.sum(), closedByServer.get(), failed.get());
    }

    /** CPU time the selector threads have used so far (ThreadMXBean), in nanoseconds. */
    long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Worker w : workers) {
            sum += Math.max(0, mx.getThreadCpuTime(w.thread.threadId()));
        }
        return sum;
    }

    String lastFailure() {
        return lastFailure;
    }

    /** Resets every connection and stops the threads. */
    @Override
    public void close() throws InterruptedException {
        workers.forEach(Worker::stop);
        for (Worker w : workers) {
            w.thread.join(30_000);
        }
    }

    /** One subscriber: where its status line and its event matcher stand, and whether it has had a frame yet. */
    private static final class Subscriber {
        final ByteBuffer pendingWrite;
        final byte[] status = new byte[STATUS_OK.length];
        int statusMatched;
        int eventMatched;
        boolean counted;

        Subscriber(byte[] request) {
            this.pendingWrite = ByteBuffer.wrap(request);
        }
    }

    private final class Worker implements Runnable {
        final Thread thread;
        final int target;
        final int maxPending;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        final Selector selector;
        int started;
        int pending;
        volatile boolean stopping;

        Worker(int index, int target, int maxPending) throws IOException {
            this.target = target;
            this.maxPending = maxPending;
            this.selector = Selector.open();
            this.thread = new Thread(this, "storefronts-" + index);
            this.thread.setDaemon(true);
        }

        void stop() {
            stopping = true;
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!stopping) {
                    while (started < target && pending < maxPending && !stopping) {
                        connect();
                    }
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        handle(key);
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException e) {
                lastFailure = "selector thread: " + e;
            } finally {
                for (SelectionKey key : selector.keys()) {
                    reset((SocketChannel) key.channel());
                }
                try {
                    selector.close();
                } catch (IOException e) {
                    // nothing left to release
                }
            }
        }

        private void connect() {
            started++;
            pending++;
            try {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Subscriber s = new Subscriber(request);
                if (channel.connect(address)) {
                    channel.register(selector, SelectionKey.OP_WRITE, s);
                } else {
                    channel.register(selector, SelectionKey.OP_CONNECT, s);
                }
            } catch (IOException e) {
                pending--;
                failed.incrementAndGet();
                lastFailure = "connect: " + e;
            }
        }

        private void handle(SelectionKey key) {
            SocketChannel channel = (SocketChannel) key.channel();
            Subscriber s = (Subscriber) key.attachment();
            try {
                if (!key.isValid()) {
                    return;
                }
                if (key.isConnectable()) {
                    channel.finishConnect();
                    opened.incrementAndGet();
                    key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
                if (key.isWritable()) {
                    channel.write(s.pendingWrite);
                    if (!s.pendingWrite.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    return;
                }
                if (key.isReadable()) {
                    read(key, channel, s);
                }
            } catch (IOException e) {
                key.cancel();
                reset(channel);
                fail(s, e.toString());
            }
        }

        private void read(SelectionKey key, SocketChannel channel, Subscriber s) throws IOException {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    key.cancel();
                    reset(channel);
                    if (s.counted) {
                        closedByServer.incrementAndGet();
                    } else {
                        fail(s, "the server closed the stream before its first frame");
                    }
                    return;
                }
                if (n == 0) {
                    return;
                }
                bytes.add(n);
                buffer.flip();
                scan(key, channel, s);
                if (n < buffer.capacity()) {
                    return;
                }
            }
        }

        private void scan(SelectionKey key, SocketChannel channel, Subscriber s) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (s.statusMatched < STATUS_OK.length) {
                    s.status[s.statusMatched++] = b;
                    if (s.statusMatched == STATUS_OK.length && !Arrays.equals(s.status, STATUS_OK)) {
                        key.cancel();
                        reset(channel);
                        fail(s, "the stream answered " + new String(s.status, StandardCharsets.US_ASCII));
                        return;
                    }
                    continue;
                }
                if (b == ' ' || b == '\r') {
                    continue; // "event: sales" and "event:sales", LF or CRLF
                }
                int m = s.eventMatched;
                while (m > 0 && event[m] != b) {
                    m = fallback[m - 1];
                }
                if (event[m] == b) {
                    m++;
                }
                if (m == event.length) {
                    m = 0;
                    frames.increment();
                    if (!s.counted) {
                        s.counted = true;
                        pending--;
                        firstFrames.incrementAndGet();
                    }
                }
                s.eventMatched = m;
            }
        }

        private void fail(Subscriber s, String why) {
            if (!s.counted) {
                pending--;
                failed.incrementAndGet();
                lastFailure = why;
            }
        }
    }

    private static void reset(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is all that was wanted
        }
    }

    /** The Knuth-Morris-Pratt failure function of {@code pattern}. */
    static int[] failureTable(byte[] pattern) {
        int[] table = new int[pattern.length];
        for (int i = 1, k = 0; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = table[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            table[i] = k;
        }
        return table;
    }
}
