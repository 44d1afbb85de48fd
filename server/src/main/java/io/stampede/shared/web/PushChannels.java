package io.stampede.shared.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server-Sent Events to many subscribers: each stream of the service is a {@link Channel} of subscribers keyed by
 * what they watch (everything, or one user). A message is serialised once and written to each subscriber on a
 * virtual thread of its own, so one slow connection holds up nobody else; a comment every 15 s keeps idle
 * connections open through proxies; at shutdown every stream is completed first, so open tabs never hold up a
 * graceful stop.
 */
@Component
public class PushChannels implements SmartLifecycle {
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Set<ResponseBodyEmitter.DataWithMediaType> PING =
            Set.of(new ResponseBodyEmitter.DataWithMediaType(":ping\n\n", MediaType.TEXT_PLAIN));
    // a browser reconnects after this; bounds what a vanished client that never sent a FIN can hold
    private static final long STREAM_TIMEOUT_MILLIS = Duration.ofMinutes(30).toMillis();

    private final JsonMapper json;
    private final List<Channel<?>> channels = new CopyOnWriteArrayList<>();
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "push-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;
    private volatile @Nullable ScheduledFuture<?> pings;

    public PushChannels(JsonMapper json) {
        this.json = json;
    }

    /** A new channel whose subscribers are keyed by {@code K}. */
    public <K> Channel<K> channel(String name) {
        Channel<K> channel = new Channel<>(name);
        channels.add(channel);
        return channel;
    }

    /** Subscribers of every channel. */
    public int subscribers() {
        return channels.stream().mapToInt(Channel::subscribers).sum();
    }

    /** One stream of the service. */
    public final class Channel<K> {
        private final String name;
        private final Map<K, Set<SseEmitter>> subscribers = new ConcurrentHashMap<>();
        private final Map<SseEmitter, AtomicReference<@Nullable Set<ResponseBodyEmitter.DataWithMediaType>>> pending =
                new ConcurrentHashMap<>();

        private Channel(String name) {
            this.name = name;
        }

        /** Opens a stream for {@code key}; {@code first} (event name and data), if given, is its first message. */
        public SseEmitter open(K key, @Nullable String event, @Nullable Object first) {
            SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT_MILLIS);
            Set<SseEmitter> mine = subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
            mine.add(emitter);
            emitter.onCompletion(() -> drop(key, emitter));
            emitter.onTimeout(() -> drop(key, emitter));
            emitter.onError(e -> drop(key, emitter));
            if (event != null && first != null) {
                // sent before the handler returns: Spring holds it until the response starts, then flushes it
                write(emitter, frame(event, json.writeValueAsString(first)));
            }
            return emitter;
        }

        /**
         * Sends to every subscriber of the channel: the frame is encoded once, and a subscriber whose previous frame
         * is still being written gets only the newest one (at most one write queued per subscriber).
         */
        public void sendAll(String event, Object data) {
            if (subscribers.isEmpty()) {
                return;
            }
            Set<ResponseBodyEmitter.DataWithMediaType> frame = frame(event, json.writeValueAsString(data));
            subscribers.forEach((key, set) -> set.forEach(e -> offer(key, e, frame)));
        }

        private void offer(K key, SseEmitter emitter, Set<ResponseBodyEmitter.DataWithMediaType> frame) {
            AtomicReference<@Nullable Set<ResponseBodyEmitter.DataWithMediaType>> slot =
                    pending.computeIfAbsent(emitter, e -> new AtomicReference<>());
            if (slot.getAndSet(frame) == null) {
                writers.execute(() -> {
                    @Nullable Set<ResponseBodyEmitter.DataWithMediaType> next;
                    while ((next = slot.getAndSet(null)) != null) {
                        if (!write(emitter, next)) {
                            drop(key, emitter);
                            return;
                        }
                    }
                });
            }
        }

        /** Sends to the subscribers of one key, if it has any on this instance. */
        public void send(K key, String event, Object data) {
            Set<SseEmitter> set = subscribers.get(key);
            if (set == null || set.isEmpty()) {
                return;
            }
            Set<ResponseBodyEmitter.DataWithMediaType> frame = frame(event, json.writeValueAsString(data));
            set.forEach(e -> writeOrDrop(key, e, frame));
        }

        /** The keys with at least one subscriber on this instance. */
        public Set<K> keys() {
            return subscribers.keySet();
        }

        public boolean isWatched() {
            return !subscribers.isEmpty();
        }

        public int subscribers() {
            return subscribers.values().stream().mapToInt(Set::size).sum();
        }

        /** Writes every frame it is given, in order (unlike {@link #offer}, which keeps only the newest). */
        private void writeOrDrop(K key, SseEmitter emitter, Set<ResponseBodyEmitter.DataWithMediaType> frame) {
            writers.execute(() -> {
                if (!write(emitter, frame)) {
                    drop(key, emitter);
                }
            });
        }

        private void ping() {
            subscribers.forEach((key, set) -> set.forEach(e -> writeOrDrop(key, e, PING)));
        }

        private void drop(K key, SseEmitter emitter) {
            pending.remove(emitter);
            subscribers.computeIfPresent(key, (k, set) -> {
                set.remove(emitter);
                return set.isEmpty() ? null : set;
            });
        }

        private void close() {
            subscribers.values().forEach(set -> set.forEach(SseEmitter::complete));
            subscribers.clear();
            pending.clear();
        }

        @Override
        public String toString() {
            return "channel " + name;
        }
    }

    /** A whole Server-Sent-Events message as one item: one message-converter pass and one flush per subscriber. */
    static Set<ResponseBodyEmitter.DataWithMediaType> frame(String event, String body) {
        StringBuilder text = new StringBuilder(body.length() + event.length() + 16)
                .append("event:")
                .append(event);
        for (String line : body.split("\n", -1)) {
            text.append("\ndata:").append(line);
        }
        return Set.of(
                new ResponseBodyEmitter.DataWithMediaType(text.append("\n\n").toString(), MediaType.TEXT_PLAIN));
    }

    /** False when the subscriber is gone (its connection broke or its stream ended). */
    private static boolean write(SseEmitter emitter, Set<ResponseBodyEmitter.DataWithMediaType> frame) {
        try {
            emitter.send(frame);
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    @Override
    public void start() {
        pings = heartbeat.scheduleAtFixedRate(
                () -> channels.forEach(Channel::ping),
                HEARTBEAT.toMillis(),
                HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        ScheduledFuture<?> p = pings;
        if (p != null) {
            p.cancel(false);
        }
        heartbeat.shutdownNow();
        channels.forEach(Channel::close);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE; // stops before the web server's graceful shutdown waits for requests
    }
}
