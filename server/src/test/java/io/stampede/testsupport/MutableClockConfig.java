package io.stampede.testsupport;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replaces the service's clock with a {@link MutableClock}. */
@TestConfiguration(proxyBeanMethods = false)
public class MutableClockConfig {
    @Bean
    @Primary
    MutableClock mutableClock() {
        return new MutableClock();
    }
}
