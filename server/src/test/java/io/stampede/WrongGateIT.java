package io.stampede;

import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.OwnRedisInitializer;
import io.stampede.testsupport.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/** The wrong-gate suite on a Redis of its own, intake QUEUED on a Redis Stream (no broker configured). */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
            "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
            "stampede.payment-secret=" + IntegrationTest.PAYMENT_SECRET,
            // the test decides when the gate is compared with the database: only the database's refusals rebuild it
            "stampede.reconciliation.interval=1h",
            // every attempt asks the gate, so that the lies are taken (the flag answers without it; tested on its own)
            "stampede.sold-out-flag-ttl=0s"
        })
@ContextConfiguration(initializers = WrongGateIT.OwnRedis.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
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
