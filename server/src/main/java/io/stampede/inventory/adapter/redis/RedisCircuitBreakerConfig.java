package io.stampede.inventory.adapter.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;

/**
 * When Redis is down, purchases answer 503 at once instead of each waiting for its own timeout: after half of the
 * last 20 gate calls failed on the connection, calls are refused for two seconds, then a few are let through to
 * see whether Redis is back.
 */
@Configuration(proxyBeanMethods = false)
class RedisCircuitBreakerConfig {
    private static final Logger log = LoggerFactory.getLogger(RedisCircuitBreakerConfig.class);

    @Bean
    CircuitBreaker gateCircuitBreaker() {
        CircuitBreaker breaker = CircuitBreaker.of(
                "redis-gate",
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(10)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofSeconds(2))
                        .permittedNumberOfCallsInHalfOpenState(3)
                        .recordExceptions(
                                RedisConnectionFailureException.class,
                                QueryTimeoutException.class,
                                RedisSystemException.class)
                        .build());
        breaker.getEventPublisher().onStateTransition(e -> log.warn("Redis gate circuit {}", e.getStateTransition()));
        return breaker;
    }
}
