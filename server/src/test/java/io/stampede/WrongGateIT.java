package io.stampede;

import io.stampede.testsupport.OwnRedisInitializer;
import io.stampede.testsupport.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.ContextConfiguration;

/** The wrong-gate suite on a Redis of its own, intake QUEUED on a Redis Stream (no broker configured). */
// its own Redis, to make lie and to restart (the contract's Spring Boot test and properties are inherited)
@ContextConfiguration(initializers = WrongGateIT.OwnRedis.class)
class WrongGateIT extends WrongGateContract {
    static class OwnRedis extends OwnRedisInitializer {}

    @AfterAll
    static void stopRedis() {
        OwnRedisInitializer.stop(OwnRedis.class);
    }

    @Override
    RedisProcess ownRedis() {
        return OwnRedisInitializer.redisOf(OwnRedis.class);
    }

    @Override
    boolean allPaths() {
        return true;
    }
}
