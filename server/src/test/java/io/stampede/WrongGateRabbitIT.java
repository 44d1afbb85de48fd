package io.stampede;

import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.OwnRedisInitializer;
import io.stampede.testsupport.RedisProcess;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The wrong-gate suite's QUEUED scenarios with intake on RabbitMQ (a queue of this run's own); skipped when nothing
 * listens on 127.0.0.1:5672.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
        "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
        "stampede.payment-secret=" + IntegrationTest.PAYMENT_SECRET,
        "stampede.reconciliation.interval=1h",
        // every attempt asks the gate, so that the lies are taken (the flag answers without it; tested on its own)
        "stampede.sold-out-flag-ttl=0s"})
@ContextConfiguration(initializers = WrongGateRabbitIT.OwnRedis.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WrongGateRabbitIT extends WrongGateContract {
    static final String QUEUE = "it.wrong-gate." + UUID.randomUUID();

    static class OwnRedis extends OwnRedisInitializer {
    }

    @DynamicPropertySource
    static void rabbit(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
        registry.add("spring.rabbitmq.port", () -> 5672);
        registry.add("stampede.intake.rabbit-queue", () -> QUEUE);
    }

    @BeforeAll
    static void rabbitIsThere() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5672), 500);
        } catch (Exception e) {
            Assumptions.abort("no RabbitMQ on 127.0.0.1:5672 (CI has one)");
        }
    }

    @AfterAll
    static void cleanUp() {
        OwnRedisInitializer.stop(OwnRedis.class);
        CachingConnectionFactory cf = new CachingConnectionFactory("127.0.0.1", 5672);
        try {
            RabbitAdmin admin = new RabbitAdmin(cf);
            admin.deleteQueue(QUEUE);
            admin.deleteQueue(QUEUE + ".dead");
            admin.deleteExchange(QUEUE + ".dlx");
        } catch (RuntimeException e) {
            // best effort
        } finally {
            cf.destroy();
        }
    }

    @Override
    RedisProcess ownRedis() {
        return OwnRedisInitializer.redisOf(OwnRedis.class);
    }

    @Override
    boolean allPaths() {
        return false;
    }
}
