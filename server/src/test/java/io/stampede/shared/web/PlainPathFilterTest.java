package io.stampede.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which paths the filters and the router read alike. */
class PlainPathFilterTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/",
                "/api/sales",
                "/api/sales/0b1c-22/purchases",
                "/api/admin/sales/x/reconciliation",
                "/actuator/health",
                "/api/me/orders",
                "/index.html"
            })
    void plainPathsPass(String path) {
        assertThat(PlainPathFilter.isPlain(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/%61dmin/sales",
                "/api/admin/sales;x=1",
                "/api//admin/sales",
                "/api/./admin",
                "/api/sales/x/../../admin/sales",
                "/api/sales/..",
                "/api/sales/.",
                "//api/sales",
                "/api\\admin",
                "",
                "api/sales",
                "/api/sales/x/purchases;jsessionid=1"
            })
    void anythingTheRouterWouldRewriteIsRefused(String path) {
        assertThat(PlainPathFilter.isPlain(path)).isFalse();
    }
}
