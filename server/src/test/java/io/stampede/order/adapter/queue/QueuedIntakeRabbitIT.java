package io.stampede.order.adapter.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.LocalRabbit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Intake QUEUED on RabbitMQ (a queue of this run's own); skipped when no RabbitMQ runs locally, outside CI. */
@IntegrationTest
class QueuedIntakeRabbitIT extends QueuedIntakeContract {
    static final String QUEUE = "it.intake." + UUID.randomUUID();

    @Autowired
    ConnectionFactory connections;

    final List<String> dead = new ArrayList<>();

    @DynamicPropertySource
    static void rabbit(DynamicPropertyRegistry registry) {
        LocalRabbit.registerIntake(registry, QUEUE);
    }

    @BeforeAll
    static void rabbitIsThere() {
        LocalRabbit.requireOrSkip();
    }

    @AfterAll
    static void deleteQueues() {
        LocalRabbit.deleteIntake(QUEUE);
    }

    @Override
    void publishRaw(String body) {
        MessageProperties props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        new RabbitTemplate(connections).send("", QUEUE, new Message(body.getBytes(StandardCharsets.UTF_8), props));
    }

    @Override
    List<String> deadLetters() {
        RabbitTemplate rabbit = new RabbitTemplate(connections);
        Message m;
        while ((m = rabbit.receive(QUEUE + ".dead", 200)) != null) {
            dead.add(new String(m.getBody(), StandardCharsets.UTF_8));
        }
        return dead;
    }

    @Test
    void usesRabbitMq() {
        assertThat(intake.describe()).isEqualTo("RabbitMQ queue " + QUEUE);
    }
}
