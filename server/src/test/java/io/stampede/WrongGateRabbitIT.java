package io.stampede;

import io.stampede.testsupport.LocalRabbit;
import io.stampede.testsupport.OwnRedisInitializer;
import io.stampede.testsupport.RedisProcess;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The wrong-gate suite's QUEUED scenarios with intake on RabbitMQ (a queue of this run's own); skipped when no RabbitMQ
 * runs locally, outside CI.
 */
// its own Redis, to make lie and to restart (the contract's Spring Boot test and properties are inherited)
@ContextConfiguration(initializers = WrongGateRabbitIT.OwnRedis.class)
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
