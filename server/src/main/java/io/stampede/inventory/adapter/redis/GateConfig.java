package io.stampede.inventory.adapter.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleEnded;
import io.stampede.shared.SharedSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.core.StringRedisTemplate;

/** One gate engine, two uses: sales, and coupon campaigns (a claim is a reservation with no payment step). */
@Configuration(proxyBeanMethods = false)
class GateConfig {
    /** A sale's gate, in as many segments as the sale asks for (the definitions are cached in memory). */
    @Bean
    @Primary
    PurchaseGate saleGate(
            StringRedisTemplate redis,
            SharedSettings properties,
            ObjectProvider<SaleService> sales,
            MeterRegistry meters) {
        // looked up on use: the sale service's own collaborators come from the inventory module
        return new SegmentedPurchaseGate(
                new RedisPurchaseGate(redis, properties, "sale", meters),
                saleId -> sales.getObject()
                        .definition(saleId)
                        .map(Sale::gateSegments)
                        .orElse(1),
                properties.redis().keyPrefix());
    }

    /** A sale that ended sells no more: its segment ids go (the SaleEnded event of the sale module). */
    @Bean
    ApplicationListener<PayloadApplicationEvent<SaleEnded>> segmentIdsOfEndedSales(PurchaseGate saleGate) {
        return ApplicationListener.forPayload(ended -> {
            if (saleGate instanceof SegmentedPurchaseGate segmented) {
                segmented.forget(ended.saleId());
            }
        });
    }

    @Bean
    PurchaseGate couponGate(StringRedisTemplate redis, SharedSettings properties, MeterRegistry meters) {
        return new RedisPurchaseGate(redis, properties, "campaign", meters);
    }
}
