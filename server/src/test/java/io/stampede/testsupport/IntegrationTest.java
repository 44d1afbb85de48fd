package io.stampede.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * A Spring Boot integration test on a real port against a real database (PostgreSQL, or MariaDB with
 * STAMPEDE_IT_DB=mariadb) and Redis, with a database and key prefix of
 * its own (see {@link ServicesInitializer}); the context is closed after the class so its database can go.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
            "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
            "stampede.payment-secret=" + IntegrationTest.PAYMENT_SECRET,
            "stampede.demo-login=true",
            // each context would spend seconds warming up before its tests; WarmUpIT runs the warm-up itself
            "stampede.warm-up.requests=0",
            // the contract tests send many attempts per user on purpose; AdmissionIT tests the limits themselves
            "stampede.admission.per-user-per-second=100000"
        })
@ContextConfiguration(initializers = ServicesInitializer.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public @interface IntegrationTest {
    String ADMIN_TOKEN = "it-admin-token-0123456789";
    String JWT_SECRET = "it-jwt-secret-0123456789-0123456789-0123456789";
    String PAYMENT_SECRET = "it-payment-secret-0123456789";
}
