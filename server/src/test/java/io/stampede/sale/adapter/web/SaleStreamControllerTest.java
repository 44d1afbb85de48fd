package io.stampede.sale.adapter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.web.PushChannels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The catalogue stream reads the sales once a sample, however many storefronts are open, and none when none is. */
class SaleStreamControllerTest {
    private final SaleService sales = mock(SaleService.class);
    private final Instant now = Instant.parse("2026-12-02T10:00:00Z");
    private final SaleStreamController stream = new SaleStreamController(
            sales,
            Clock.fixed(now, ZoneOffset.UTC),
            new PushChannels(JsonMapper.builder().build()),
            2000);

    private SaleService.SaleWithStock sale(long available) {
        Sale sale = new Sale(
                "s-1",
                "phone",
                "P",
                4990,
                now.minusSeconds(60),
                now.plusSeconds(3600),
                1,
                Duration.ofMinutes(15),
                StockStrategy.REDIS_LUA,
                Intake.DIRECT,
                1,
                100,
                now.minusSeconds(120));
        return new SaleService.SaleWithStock(sale, StockFigures.of(100, 100 - available, 0));
    }

    @Test
    void aThousandStorefrontsCostOneReadASecond() {
        when(sales.list()).thenReturn(List.of(sale(100)), List.of(sale(99)), List.of(sale(99)));
        for (int i = 0; i < 1_000; i++) {
            assertThat(stream.stream()).isNotNull();
        }
        verify(sales, times(1)).list(); // the first storefront's first frame; the others reuse it

        stream.push();
        stream.push();
        verify(sales, times(3)).list();
    }

    @Test
    void pastItsBudgetOfFramesTheInstanceSendsToEveryoneLessOften() {
        SaleStreamController crowded = new SaleStreamController(
                sales,
                Clock.fixed(now, ZoneOffset.UTC),
                new PushChannels(JsonMapper.builder().build()),
                2000);
        when(sales.list()).thenReturn(List.of(sale(100)));
        for (int i = 0; i < 5_000; i++) {
            crowded.stream();
        }
        verify(sales, times(1)).list();
        for (int tick = 0; tick < 6; tick++) {
            crowded.push();
        }
        // 5,000 subscribers at 2,000 frames a second: a sample every second tick, each one a frame to everyone
        verify(sales, times(1 + 3)).list();
    }

    @Test
    void nobodyWatchingReadsNothing() {
        stream.push();
        stream.push();
        verify(sales, times(0)).list();
    }
}
