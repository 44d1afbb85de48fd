package io.stampede.order.adapter.queue;

import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.order.application.OrderSettings;
import io.stampede.order.application.QueuedOrder;
import io.stampede.order.application.QueuedOrderCodec;
import io.stampede.order.application.QueuedOrderWriter;
import io.stampede.order.port.IntakeQueue;
import io.stampede.shared.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The intake queue on RabbitMQ, used when one is configured: a durable quorum queue with a dead-letter exchange and
 * queue, persistent messages, publisher confirms, and a batch consumer with manual acknowledgements that acks a
 * message only after its order committed (or was found committed), and holds it unacked, retrying with backoff,
 * while the database is down.
 *
 * <p>Its depth ({@code stampede.intake.queue.depth}) is the queue's ready messages, read with a passive declare, plus
 * the messages this instance's consumer is writing; messages prefetched by a consumer and not yet handed to it
 * (at most twice the batch size per consumer) are not counted.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.rabbitmq.host")
class RabbitIntakeQueue {
    private static final Logger log = LoggerFactory.getLogger(RabbitIntakeQueue.class);

    /** Messages handed to this instance's consumer and not yet acknowledged or rejected. */
    private final AtomicLong held = new AtomicLong();

    /** Queue, dead-letter exchange and dead-letter queue; Spring's RabbitAdmin declares them on every connection. */
    @Bean
    Declarables intakeDeclarables(OrderSettings orderSettings) {
        OrderSettings.Intake settings = orderSettings.intake();
        String dead = settings.rabbitQueue() + ".dead";
        DirectExchange dlx = new DirectExchange(settings.rabbitQueue() + ".dlx", true, false);
        Queue deadQueue = QueueBuilder.durable(dead).quorum().build();
        Queue queue = QueueBuilder.durable(settings.rabbitQueue())
                .quorum()
                .deadLetterExchange(dlx.getName())
                .deadLetterRoutingKey(dead)
                .build();
        return new Declarables(
                dlx, deadQueue, queue, BindingBuilder.bind(deadQueue).to(dlx).with(dead));
    }

    @Bean
    IntakeQueue rabbitIntake(
            RabbitTemplate rabbit, OrderSettings orderSettings, QueuedOrderCodec codec, MeterRegistry meters) {
        OrderSettings.Intake settings = orderSettings.intake();
        Publisher publisher = new Publisher(rabbit, settings.rabbitQueue(), codec, held);
        Gauge.builder("stampede.intake.queue.depth", publisher, q -> {
                    OptionalLong depth = q.depth();
                    return depth.isPresent() ? depth.getAsLong() : Double.NaN;
                })
                .description("QUEUED order requests accepted and not yet written")
                .tag("backend", "rabbitmq")
                .strongReference(true)
                .register(meters);
        return publisher;
    }

    @Bean
    SimpleMessageListenerContainer intakeConsumer(
            ConnectionFactory connections,
            OrderSettings orderSettings,
            QueuedOrderCodec codec,
            QueuedOrderWriter writer) {
        OrderSettings.Intake settings = orderSettings.intake();
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
        container.setQueueNames(settings.rabbitQueue());
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setConsumerBatchEnabled(true);
        container.setBatchSize(settings.batchSize());
        container.setPrefetchCount(settings.batchSize() * 2);
        container.setReceiveTimeout(100); // a partial batch is handed over after this much quiet
        container.setMessageListener(new Consumer(codec, writer, container, held));
        return container;
    }

    /** Publishes persistent messages to the queue (default exchange) and waits for the broker's confirm. */
    static final class Publisher implements IntakeQueue {
        private final RabbitTemplate rabbit;
        private final String queue;
        private final QueuedOrderCodec codec;
        private final AtomicLong held;

        Publisher(RabbitTemplate rabbit, String queue, QueuedOrderCodec codec, AtomicLong held) {
            this.rabbit = rabbit;
            this.queue = queue;
            this.codec = codec;
            this.held = held;
        }

        @Override
        public Publication publish(QueuedOrder order, Duration timeout) {
            MessageProperties props = new MessageProperties();
            props.setMessageId(order.id());
            props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
            props.setContentEncoding("UTF-8");
            props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
            Message message = new Message(codec.write(order).getBytes(StandardCharsets.UTF_8), props);
            CorrelationData correlation = new CorrelationData(order.id());
            try {
                rabbit.send("", queue, message, correlation);
            } catch (AmqpConnectException e) {
                return Publication.REJECTED; // no connection: nothing was sent
            } catch (RuntimeException e) {
                return Publication.UNKNOWN;
            }
            try {
                CorrelationData.Confirm confirm = Waits.get(correlation.getFuture(), timeout);
                if (confirm.ack()) {
                    return Publication.CONFIRMED;
                }
                // a nack from the broker means it does not have the message; a closed channel (nack with a reason)
                // says nothing about whether the broker had it already
                return confirm.reason() == null ? Publication.REJECTED : Publication.UNKNOWN;
            } catch (TimeoutException | ExecutionException e) {
                return Publication.UNKNOWN;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Publication.UNKNOWN;
            }
        }

        @Override
        public String describe() {
            return "RabbitMQ queue " + queue;
        }

        /** The queue's ready messages (a passive declare) plus those this instance's consumer is writing. */
        @Override
        public OptionalLong depth() {
            try {
                Integer ready = rabbit.execute(
                        channel -> channel.queueDeclarePassive(queue).getMessageCount());
                return ready == null ? OptionalLong.empty() : OptionalLong.of(ready + held.get());
            } catch (RuntimeException e) {
                return OptionalLong.empty();
            }
        }
    }

    /** Writes each delivered batch; acks what is written, rejects poison to the dead letters, retries the rest. */
    static final class Consumer implements ChannelAwareBatchMessageListener {
        private final QueuedOrderCodec codec;
        private final QueuedOrderWriter writer;
        private final SimpleMessageListenerContainer container;
        private final Backoff backoff = new Backoff(); // one consumer thread (the container's default)
        private final AtomicLong held;

        Consumer(
                QueuedOrderCodec codec,
                QueuedOrderWriter writer,
                SimpleMessageListenerContainer container,
                AtomicLong held) {
            this.codec = codec;
            this.writer = writer;
            this.container = container;
            this.held = held;
        }

        @Override
        public void onMessageBatch(List<Message> messages, @Nullable Channel channel) {
            if (channel == null) { // never: the container acknowledges manually, so it always hands one
                throw new IllegalStateException("the intake consumer needs its channel to acknowledge");
            }
            held.addAndGet(messages.size());
            try {
                consume(messages, channel);
            } catch (IOException e) {
                // the channel is gone: the broker redelivers every unacked message of it
                log.warn("Intake consumer lost its channel ({}); unacked orders will be redelivered", e.getMessage());
            } finally {
                held.addAndGet(-messages.size());
            }
        }

        private void consume(List<Message> messages, Channel channel) throws IOException {
            List<QueuedOrder> orders = new ArrayList<>();
            List<Long> tags = new ArrayList<>();
            for (Message m : messages) {
                long tag = m.getMessageProperties().getDeliveryTag();
                try {
                    orders.add(codec.read(new String(m.getBody(), StandardCharsets.UTF_8)));
                    tags.add(tag);
                } catch (QueuedOrderCodec.Unreadable e) {
                    log.error(
                            "Intake message {} dead-lettered: {}",
                            m.getMessageProperties().getMessageId(),
                            e.getMessage());
                    channel.basicReject(tag, false);
                }
            }
            while (!orders.isEmpty()) {
                Map<String, QueuedOrderWriter.Verdict> verdicts = writer.write(orders);
                List<QueuedOrder> again = new ArrayList<>();
                List<Long> againTags = new ArrayList<>();
                for (int i = 0; i < orders.size(); i++) {
                    switch (verdicts.getOrDefault(orders.get(i).id(), QueuedOrderWriter.Verdict.RETRY)) {
                        case DONE -> channel.basicAck(tags.get(i), false);
                        case DEAD -> channel.basicReject(tags.get(i), false);
                        case RETRY -> {
                            again.add(orders.get(i));
                            againTags.add(tags.get(i));
                        }
                    }
                }
                orders = again;
                tags = againTags;
                if (!orders.isEmpty()) {
                    if (!container.isRunning()) {
                        return; // stopping: the channel closes and the broker redelivers them
                    }
                    backoff.pause(orders.size());
                }
            }
            backoff.recovered();
        }
    }
}
