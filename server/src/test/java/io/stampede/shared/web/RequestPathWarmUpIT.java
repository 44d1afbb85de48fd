package io.stampede.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stampede.shared.security.ShopperTokens;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The warm-up goes through the instance's whole HTTP purchase path, and buys and creates nothing. */
@IntegrationTest
class RequestPathWarmUpIT {
    @LocalServerPort
    int port;

    @Autowired
    ShopperTokens tokens;

    @Autowired
    MeterRegistry meters;

    @Test
    void everyWarmUpRequestIsAPurchaseAnsweredNotFoundThroughTheServletStack() {
        long before = purchasesAnswered404();
        String salesBefore = new Http("http://127.0.0.1:" + port)
                .get("/api/sales", null)
                .json()
                .toString();

        RequestPathWarmUp.Result result = new RequestPathWarmUp(tokens, 600, Duration.ofMinutes(1)).run(port);

        assertThat(result).isNotNull();
        assertThat(result.answered()).isEqualTo(600);
        assertThat(result.expected())
                .as("each answered 404: no sale has the id")
                .isEqualTo(600);
        // they went through the connector, the filters and MVC, as the request metric of the purchase route shows
        assertThat(purchasesAnswered404() - before).isEqualTo(600);
        assertThat(new Http("http://127.0.0.1:" + port)
                        .get("/api/sales", null)
                        .json()
                        .toString())
                .as("nothing created or bought")
                .isEqualTo(salesBefore);
    }

    @Test
    void turnedOffItSendsNothing() {
        assertThat(new RequestPathWarmUp(tokens, 0, Duration.ofMinutes(1)).run(port))
                .isNull();
    }

    private long purchasesAnswered404() {
        Timer timer = meters.find("http.server.requests")
                .tag("uri", "/api/sales/{id}/purchases")
                .tag("status", "404")
                .timer();
        return timer == null ? 0 : timer.count();
    }
}
