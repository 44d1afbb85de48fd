package io.stampede.order.adapter.web;

import io.stampede.order.port.OrderRepository;
import io.stampede.shared.ApiException;
import io.stampede.shared.Ids;
import io.stampede.shared.security.Shopper;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A shopper's own orders; another user's order is answered exactly like a missing one. */
@RestController
class OrderController {
    private static final int MAX_LISTED = 500;

    private final OrderRepository orders;

    OrderController(OrderRepository orders) {
        this.orders = orders;
    }

    @GetMapping("/api/orders/{id}")
    OrderView get(@PathVariable String id, HttpServletRequest request) {
        String userId = Shopper.userId(request);
        if (!Ids.isWellFormed(id)) {
            throw ApiException.notFound("order");
        }
        return orders.find(id).filter(o -> o.userId().equals(userId)).map(OrderView::of)
                .orElseThrow(() -> ApiException.notFound("order"));
    }

    @GetMapping("/api/me/orders")
    Map<String, List<OrderView>> mine(HttpServletRequest request) {
        return Map.of("items", orders.findByUser(Shopper.userId(request), MAX_LISTED).stream().map(OrderView::of).toList());
    }
}
