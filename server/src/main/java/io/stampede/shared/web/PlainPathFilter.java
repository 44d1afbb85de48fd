package io.stampede.shared.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Refuses, before anything else reads it, a path that is not written plainly: percent-encoding, path parameters
 * ({@code ;}), empty segments or dot segments. The servlet container and Spring MVC decode and normalize such a
 * path before they route it, while the filters (authentication, admission) read the path as sent; without this
 * check {@code /api/%61dmin/sales} reached the admin endpoints with a shopper's token, and
 * {@code /purchases;x=1} bypassed admission control. No path of the contract needs any of these.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PlainPathFilter extends RequestFilter {
    private static final String NOT_PLAIN =
            "the path must be written plainly: no percent-encoding, ';', empty or dot segments";

    private final ProblemWriter problems;

    public PlainPathFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!isPlain(request.getRequestURI())) {
            problems.write(request, response, ApiException.validation(NOT_PLAIN));
            return;
        }
        chain.doFilter(request, response);
    }

    /** True for a path the container and the filters read alike. */
    static boolean isPlain(String path) {
        if (path == null
                || path.isEmpty()
                || path.charAt(0) != '/'
                || path.indexOf('%') >= 0
                || path.indexOf(';') >= 0
                || path.indexOf('\\') >= 0
                || path.contains("//")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
