package io.stampede.sale.application;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sale module's settings under {@code stampede.*}.
 *
 * @param demoSale opens a demo sale at start when there is none (on by default in the embedded mode)
 */
@ConfigurationProperties(prefix = "stampede")
public record SaleSettings(boolean demoSale) {}
