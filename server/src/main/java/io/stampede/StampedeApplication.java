package io.stampede;

import io.stampede.shared.embedded.EmbeddedServices;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Entry point of the Stampede flash-sale service. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class StampedeApplication {
    public static void main(String[] args) {
        // the embedded servers start before Spring configures logging: keep their chatter out of the operator's log
        LoggingSystem logging = LoggingSystem.get(StampedeApplication.class.getClassLoader());
        logging.beforeInitialize();
        logging.setLogLevel("io.zonky", LogLevel.WARN);
        logging.setLogLevel("redis.embedded", LogLevel.WARN);
        // decide on the embedded services from what the operator configured (arguments, system properties, environment)
        StandardEnvironment configured = new StandardEnvironment();
        configured.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        EmbeddedServices embedded = EmbeddedServices.startMissing(configured);

        AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
        // one hook, in order: the context first (in-flight purchases finish), then the servers it used
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            ConfigurableApplicationContext running = context.get();
                            if (running != null) {
                                running.close();
                            }
                            embedded.close();
                        },
                        "stampede-shutdown"));

        SpringApplication app = new SpringApplication(StampedeApplication.class);
        app.setDefaultProperties(embedded.properties());
        app.setRegisterShutdownHook(false);
        try {
            context.set(app.run(args));
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }
}
