package io.stampede.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.IntegrationTest;
import jakarta.servlet.ServletContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The servlet filters a request passes: the service's own, and of Spring Boot's only those something here needs. The
 * request-context and form-content filters, which nothing here needs, are not registered at all.
 */
@IntegrationTest
class ServletFiltersIT {
    @Autowired
    ServletContext servletContext;

    @Test
    void bootsRequestContextAndFormContentFiltersAreLeftOutAndTheServicesOwnAreThere() {
        assertThat(servletContext.getFilterRegistrations())
                .doesNotContainKeys("requestContextFilter", "formContentFilter")
                .containsKeys(
                        "characterEncodingFilter",
                        "plainPathFilter",
                        "bodySizeLimitFilter",
                        "authenticationFilter",
                        "rateLimitFilter",
                        "admissionFilter",
                        "purchaseEndpoint");
    }
}
