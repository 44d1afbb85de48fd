package io.stampede.shared.security;

import io.stampede.shared.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;

/** The authenticated shopper of a request, put there by {@link AuthenticationFilter}. */
public final class Shopper {
    static final String ATTRIBUTE = Shopper.class.getName();

    private Shopper() {}

    public static String userId(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        if (id instanceof String s) {
            return s;
        }
        throw ApiException.unauthenticated("a shopper token is required");
    }
}
