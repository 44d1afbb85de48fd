package io.stampede.shared.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A filter of the service's own, run once for each request a client sent and for nothing else. Spring Boot registers
 * a plain {@link Filter} bean for the {@code REQUEST} dispatch only, so error pages, asynchronous re-dispatches (a
 * stream's) and forwards never pass it again: what Spring's {@code OncePerRequestFilter} gets by marking every request
 * with a request attribute, set and removed on each request for each filter (a string built, a map written twice),
 * which the purchase path paid for ten times per request.
 */
public abstract class RequestFilter implements Filter {

    @Override
    public final void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse httpResponse)) {
            throw new ServletException("HTTP only");
        }
        if (shouldNotFilter(http)) {
            chain.doFilter(request, response);
        } else {
            doFilterInternal(http, httpResponse, chain);
        }
    }

    /** True when this request passes the filter untouched; every request is filtered unless overridden. */
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return false;
    }

    /** The filter's work, for a request {@link #shouldNotFilter} did not let pass. */
    protected abstract void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException;
}
