package io.stampede.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points a test context at a fresh database and key prefix of {@link TestServices}. */
public class ServicesInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestServices services = TestServices.get();
        try {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "stampede-test-services",
                            Map.of(
                                    "spring.datasource.url", services.newDatabase(),
                                    "spring.datasource.username", services.user(),
                                    "spring.datasource.password", "",
                                    "spring.data.redis.host", services.redisHost(),
                                    "spring.data.redis.port", services.redisPort(),
                                    "stampede.redis.key-prefix", services.newKeyPrefix(),
                                    "stampede.data-dir",
                                            Files.createTempDirectory("stampede-it")
                                                    .toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
