package io.stampede.order.adapter.web;

import io.stampede.event.application.EventTail;
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

    private final EventTail tail;
    private final OrderRepository orders;
    private final PushChannels.Channel<String> shoppers;

    OrderStreamController(EventFeed feed, OrderRepository orders, PushChannels push) {
        this.tail = new EventTail(feed, PAGE);
        this.orders = orders;
        this.shoppers = push.channel("orders");
    }

    @GetMapping(path = "/api/me/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(HttpServletRequest request) {
        return shoppers.open(Shopper.userId(request), null, null);
    }

    @Scheduled(fixedRateString = "${stampede.live.sample-interval:1s}")
    void push() {
        if (!shoppers.isWatched()) {
            tail.stop();
            return;
        }
        Set<String> watched = shoppers.keys();
        // what happened before anyone watched (past) is in GET /api/me/orders
        tail.read((event, past) -> {
            if (!past
                    && event.type().startsWith("order.")
                    && event.data().get("userId") instanceof String user
                    && watched.contains(user)
                    && event.data().get("orderId") instanceof String orderId) {
                orders.find(orderId).ifPresent(order -> shoppers.send(user, EVENT, OrderView.of(order)));
            }
        });
    }
}
