package io.stampede.order.adapter.web;

import io.stampede.event.domain.DomainEvent;
import io.stampede.event.port.EventFeed;
import io.stampede.order.port.OrderRepository;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.PushChannels;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/me/stream}: the shopper's orders, pushed each time one is written or changes state. Fed by the
 * outbox's committed events, read once a second on this instance for all its subscribers: right whichever instance
 * wrote the order or took the payment.
 */
@RestController
class OrderStreamController {
    private static final String EVENT = "order";
    private static final int PAGE = 500;

    private final EventFeed feed;
    private final OrderRepository orders;
    private final PushChannels.Channel<String> shoppers;
    private long cursor = -1; // -1: not following the feed (nobody watched); catch up to its end first

    OrderStreamController(EventFeed feed, OrderRepository orders, PushChannels push) {
        this.feed = feed;
        this.orders = orders;
        this.shoppers = push.channel("orders");
    }

    @GetMapping(path = "/api/me/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(HttpServletRequest request) {
        return shoppers.open(Shopper.userId(request), null, null);
    }

    @Scheduled(fixedRateString = "${stampede.live.sample-interval:1s}")
    synchronized void push() {
        if (!shoppers.isWatched()) {
            cursor = -1;
            return;
        }
        if (cursor < 0) {
            cursor = 0;
            for (EventFeed.Page page = feed.after(cursor, PAGE); ; page = feed.after(cursor, PAGE)) {
                cursor = page.next();
                if (page.items().size() < PAGE) {
                    break;
                }
            }
            return; // what happened before anyone watched is in GET /api/me/orders
        }
        Set<String> watched = shoppers.keys();
        for (EventFeed.Page page = feed.after(cursor, PAGE); ; page = feed.after(cursor, PAGE)) {
            for (DomainEvent event : page.items()) {
                if (event.type().startsWith("order.")
                        && event.data().get("userId") instanceof String user
                        && watched.contains(user)
                        && event.data().get("orderId") instanceof String orderId) {
                    orders.find(orderId).ifPresent(order -> shoppers.send(user, EVENT, OrderView.of(order)));
                }
            }
            cursor = page.next();
            if (page.items().size() < PAGE) {
                break;
            }
        }
    }
}
