package io.stampede.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The machine's RabbitMQ on the loopback port 5672, which CI runs; each suite that uses it works on queues of its own
 * and deletes them after.
 */
public final class LocalRabbit {
    public static final int PORT = 5672;

    private LocalRabbit() {}

    /**
     * Skips the calling suite when nothing listens on the port, unless the tests run against the machine's services
     * ({@code STAMPEDE_IT_EXTERNAL=true}, as in CI): there a missing RabbitMQ fails them rather than hide them.
     */
    public static void requireOrSkip() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT), 500);
        } catch (IOException e) {
            String why = "no RabbitMQ on the loopback port " + PORT;
            if (TestServices.EXTERNAL) {
                Assertions.fail(why + ", though STAMPEDE_IT_EXTERNAL=true says the machine runs one");
            }
            Assumptions.abort(why + " (CI has one)");
        }
    }

    /** Points the application at it. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.rabbitmq.host", () -> InetAddress.getLoopbackAddress().getHostAddress());
        registry.add("spring.rabbitmq.port", () -> PORT);
    }

    /** Points the application at it, with QUEUED intake on a queue of the caller's. */
    public static void registerIntake(DynamicPropertyRegistry registry, String queue) {
        register(registry);
        registry.add("stampede.intake.rabbit-queue", () -> queue);
    }

    /** Deletes an intake queue with its dead-letter queue and exchange; best effort. */
    public static void deleteIntake(String queue) {
        CachingConnectionFactory cf =
                new CachingConnectionFactory(InetAddress.getLoopbackAddress().getHostAddress(), PORT);
        try {
            RabbitAdmin admin = new RabbitAdmin(cf);
            admin.deleteQueue(queue);
            admin.deleteQueue(queue + ".dead");
            admin.deleteExchange(queue + ".dlx");
        } catch (RuntimeException e) {
            // best effort: a queue of a run that could not reach the broker is not there to delete
        } finally {
            cf.destroy();
        }
    }
}
