package io.stampede.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.ServicesInitializer;
import io.stampede.testsupport.Together;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/** Admission control: a user past their rate gets 429 with Retry-After, other users are not affected. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
        "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
        "stampede.demo-login=true",
        "stampede.admission.per-user-per-second=3"})
@ContextConfiguration(initializers = ServicesInitializer.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AdmissionIT {
    @LocalServerPort
    int port;

    @Test
    void aUserPastTheirRateIsToldToComeBackLaterAndNothingIsTaken() throws Exception {
        Http http = new Http("http://127.0.0.1:" + port);
        Instant now = Instant.now();
        String sale = http.post("/api/admin/sales", IntegrationTest.ADMIN_TOKEN, Http.saleJson("adm", 100, 1,
                now.minusSeconds(5).toString(), now.plusSeconds(3600).toString())).json().path("id").asString();
        String hammer = http.login("hammer");
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String key = "k" + i;
            tasks.add(() -> http.post("/api/sales/" + sale + "/purchases", hammer, "{\"quantity\":1}", "Idempotency-Key", key));
        }
        List<Http.Response> answers = Together.run(tasks).stream().map(Http.Response.class::cast).toList();
        List<Http.Response> limited = answers.stream().filter(r -> r.status() == 429).toList();
        assertThat(limited).as("most of 30 simultaneous attempts of one user").hasSizeGreaterThanOrEqualTo(20);
        assertThat(limited).allSatisfy(r -> {
            assertThat(r.code()).isEqualTo("RATE_LIMITED");
            assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
        });
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).isIn(201, 409, 429));
        assertThat(answers.stream().filter(r -> r.status() == 201).count()).isEqualTo(1);

        // another user is not slowed down by the first one's limit
        Http.Response other = http.post("/api/sales/" + sale + "/purchases", http.login("calm"), "{\"quantity\":1}",
                "Idempotency-Key", "k");
        assertThat(other.status()).isEqualTo(201);
        assertThat(http.get("/api/sales/" + sale, null).json().path("stock").path("reserved").asLong()).isEqualTo(2);
    }
}
