package io.stampede.sale.adapter.web;

import io.stampede.sale.application.SaleService;
import io.stampede.shared.web.PushChannels;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/stream/sales}: the catalogue of {@code GET /api/sales}, pushed whenever a figure or a state
 * changes. One sample a second on this instance feeds every open storefront, so ten thousand tabs read the
 * database as often as one.
 */
@RestController
class SaleStreamController {
    private static final String EVENT = "sales";

    private final SaleService sales;
    private final Clock clock;
    private final PushChannels.Channel<String> storefronts;
    private final int framesPerSecond;
    private volatile @Nullable Frame last;
    private long ticks;

    SaleStreamController(
            SaleService sales,
            Clock clock,
            PushChannels push,
            @Value("${stampede.live.storefront-frames-per-second:2000}") int framesPerSecond) {
        this.framesPerSecond = framesPerSecond;
        this.sales = sales;
        this.clock = clock;
        this.storefronts = push.channel("sales");
    }

    /** What a storefront receives. */
    record Frame(Instant at, List<SaleView> items) {}

    @GetMapping(path = "/api/stream/sales", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream() {
        Frame frame = last;
        if (frame == null) {
            synchronized (this) { // one sample for a crowd of first subscribers, not one database read each
                frame = last;
                if (frame == null) {
                    frame = sample();
                }
            }
        }
        return storefronts.open("all", EVENT, frame);
    }

    @Scheduled(fixedRateString = "${stampede.live.sample-interval:1s}")
    void push() {
        if (!storefronts.isWatched()) {
            last = null; // nobody watches: read nothing, and let the next subscriber get a fresh sample
            return;
        }
        // a budget of frames per second for the whole instance: with more subscribers than that, each gets the
        // catalogue every subscribers/budget seconds (10,000 tabs at 2,000/s: every 5 s) instead of every second
        long every = Math.max(1, storefronts.subscribers() / Math.max(1, framesPerSecond));
        if (++ticks % every != 0) {
            return;
        }
        Frame previous = last;
        Frame frame = sample();
        if (previous == null || !Objects.equals(previous.items(), frame.items())) {
            storefronts.sendAll(EVENT, frame);
        }
    }

    private Frame sample() {
        Instant now = clock.instant();
        Frame frame = new Frame(
                now, sales.list().stream().map(s -> SaleView.of(s, now)).toList());
        last = frame;
        return frame;
    }
}
