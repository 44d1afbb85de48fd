package io.stampede.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.LocalRabbit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** With RabbitMQ configured, every event of the feed reaches the topic exchange, routing key = type, with its id. */
@IntegrationTest
class EventRelayIT {
    @LocalServerPort
    int port;

    @Autowired
    ConnectionFactory connections;

    @DynamicPropertySource
    static void rabbit(DynamicPropertyRegistry registry) {
        LocalRabbit.register(registry);
    }

    @BeforeAll
    static void rabbitIsThere() {
        LocalRabbit.requireOrSkip();
    }

    @Test
    void eventsArePublishedToTheTopicExchangeWithTheirIds() {
        RabbitAdmin admin = new RabbitAdmin(connections);
        TopicExchange exchange = new TopicExchange("stampede.events", true, false);
        admin.declareExchange(exchange);
        Queue queue = new Queue("it.events." + UUID.randomUUID(), false, false, false); // deleted below
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("#"));

        try {
            Http http = new Http("http://127.0.0.1:" + port);
            String sale = http.openSale(IntegrationTest.ADMIN_TOKEN, "relay", 3, 1);
            String order = http.post(
                            "/api/sales/" + sale + "/purchases",
                            http.login("relayed"),
                            "{\"quantity\":1}",
                            "Idempotency-Key",
                            "k")
                    .json()
                    .path("orderId")
                    .asString();

            RabbitTemplate rabbit = new RabbitTemplate(connections);
            JsonMapper json = JsonMapper.builder().build();
            List<String> types = new ArrayList<>();
            List<JsonNode> ours = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ours.size() < 2 && System.nanoTime() < deadline) {
                Message m = rabbit.receive(queue.getName(), 500);
                if (m == null) {
                    continue;
                }
                JsonNode event = json.readTree(new String(m.getBody(), StandardCharsets.UTF_8));
                if (sale.equals(event.path("data").path("saleId").asString())) {
                    ours.add(event);
                    types.add(m.getMessageProperties().getReceivedRoutingKey());
                    assertThat(m.getMessageProperties().getMessageId())
                            .isEqualTo(event.path("id").asString());
                }
            }
            assertThat(types).containsExactly("sale.created", "order.placed");
            assertThat(ours.get(1).path("data").path("orderId").asString()).isEqualTo(order);
            assertThat(ours.get(1).path("version").asInt()).isEqualTo(1);

            // the ids are the feed's ids
            JsonNode feed = http.get("/api/admin/events", IntegrationTest.ADMIN_TOKEN)
                    .json()
                    .path("items");
            List<String> feedIds =
                    feed.valueStream().map(e -> e.path("id").asString()).toList();
            assertThat(feedIds)
                    .contains(
                            ours.get(0).path("id").asString(),
                            ours.get(1).path("id").asString());
        } finally {
            admin.deleteQueue(queue.getName());
        }
    }
}
