package io.stampede;

import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.LocalRabbit;
import io.stampede.testsupport.OwnRedisInitializer;
import io.stampede.testsupport.RedisProcess;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The wrong-gate suite's QUEUED scenarios with intake on RabbitMQ (a queue of this run's own); skipped when no RabbitMQ
 * runs locally, outside CI.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
            "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
            "stampede.payment-secret=" + IntegrationTest.PAYMENT_SECRET,
            "stampede.reconciliation.interval=1h",
            // every attempt asks the gate, so that the lies are taken (the flag answers without it; tested on its own)
            "stampede.sold-out-flag-ttl=0s"
        })
@ContextConfiguration(initializers = WrongGateRabbitIT.OwnRedis.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WrongGateRabbitIT extends WrongGateContract {
    static final String QUEUE = "it.wrong-gate." + UUID.randomUUID();

    static class OwnRedis extends OwnRedisInitializer {}

    @DynamicPropertySource
    static void rabbit(DynamicPropertyRegistry registry) {
        LocalRabbit.registerIntake(registry, QUEUE);
    }

    @BeforeAll
    static void rabbitIsThere() {
        LocalRabbit.requireOrSkip();
    }

    @AfterAll
    static void cleanUp() {
        OwnRedisInitializer.stop(OwnRedis.class);
        LocalRabbit.deleteIntake(QUEUE);
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
