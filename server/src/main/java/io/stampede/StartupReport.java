package io.stampede;

import io.stampede.inventory.application.GateWarmup;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.application.SaleSettings;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.SaleRules;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.security.Secrets;
import io.stampede.shared.web.RequestPathWarmUp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the service is up: builds missing gates, opens the demo sale if asked, and says in one line where to look. It
 * sits at the root of the application, beside its main class, because it reaches into several modules.
 */
@Component
class StartupReport {
    private static final Logger log = LoggerFactory.getLogger("io.stampede");

    private final GateWarmup warmup;
    private final RequestPathWarmUp requestPath;
    private final SaleService sales;
    private final SharedSettings properties;
    private final SaleSettings saleSettings;
    private final Secrets secrets;
    private final Clock clock;

    StartupReport(
            GateWarmup warmup,
            RequestPathWarmUp requestPath,
            SaleService sales,
            SharedSettings properties,
            SaleSettings saleSettings,
            Secrets secrets,
            Clock clock) {
        this.saleSettings = saleSettings;
        this.warmup = warmup;
        this.requestPath = requestPath;
        this.sales = sales;
        this.properties = properties;
        this.secrets = secrets;
        this.clock = clock;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        try {
            announce(event);
        } finally {
            warmup.markReady(); // only now: a client that sees UP finds the gates built and the demo sale open
        }
    }

    private void announce(ApplicationReadyEvent event) {
        warmup.warmUp();
        String demoSaleId = null;
        List<SaleService.SaleWithStock> existing = saleSettings.demoSale() ? sales.list() : List.of();
        if (saleSettings.demoSale() && existing.isEmpty()) {
            Instant now = clock.instant();
            if (sales.create(new SaleRules.Draft(
                            "Demo phone launch",
                            "DEMO-PHONE",
                            100L,
                            49_900L,
                            now.minusSeconds(1),
                            now.plus(Duration.ofDays(30)),
                            1,
                            Duration.ofMinutes(15),
                            StockStrategy.REDIS_LUA,
                            Intake.DIRECT,
                            1))
                    instanceof SaleService.Creation.Created c) {
                demoSaleId = c.sale().sale().id();
            }
        } else if (saleSettings.demoSale()) {
            demoSaleId = existing.getFirst().sale().id();
        }
        int port = event.getApplicationContext() instanceof WebServerApplicationContext w && w.getWebServer() != null
                ? w.getWebServer().getPort()
                : 0;
        requestPath.run(port); // before health says UP: the first shoppers meet compiled code
        String base = "http://localhost:" + port;
        StringBuilder line = new StringBuilder("Stampede is ready at ")
                .append(base)
                .append(" | storefront: ")
                .append(base)
                .append("/ | dashboard: ")
                .append(base)
                .append("/admin")
                .append(" | admin token: ")
                .append(
                        properties.adminToken() == null
                                        || properties.adminToken().isBlank()
                                ? secrets.adminTokenFile()
                                : "from STAMPEDE_ADMIN_TOKEN");
        if (demoSaleId != null) {
            line.append(" | sales: curl ").append(base).append("/api/sales");
            if (properties.demoLogin()) {
                line.append(" | buy: TOKEN=$(curl -s -XPOST ")
                        .append(base)
                        .append(
                                "/api/session -H 'Content-Type: application/json' -d '{\"userId\":\"alice\"}' | sed 's/.*\"token\":\"\\([^\"]*\\)\".*/\\1/')")
                        .append("; curl -XPOST ")
                        .append(base)
                        .append("/api/sales/")
                        .append(demoSaleId)
                        .append("/purchases -H \"Authorization: Bearer $TOKEN\" -H 'Idempotency-Key: k1'")
                        .append(" -H 'Content-Type: application/json' -d '{\"quantity\":1}'");
            }
        }
        log.info(line.toString());
    }
}
