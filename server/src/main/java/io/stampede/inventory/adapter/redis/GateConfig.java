package io.stampede.inventory.adapter.redis;

import io.stampede.inventory.port.PurchaseGate;
import io.stampede.shared.SharedSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.core.StringRedisTemplate;

/** One gate engine, two uses: sales, and coupon campaigns (a claim is a reservation with no payment step). */
@Configuration(proxyBeanMethods = false)
class GateConfig {
    @Bean
    @Primary
    PurchaseGate saleGate(StringRedisTemplate redis, SharedSettings properties) {
        return new RedisPurchaseGate(redis, properties, "sale");
    }

    @Bean
    PurchaseGate couponGate(StringRedisTemplate redis, SharedSettings properties) {
        return new RedisPurchaseGate(redis, properties, "campaign");
    }
}
