package io.stampede.shared.web;

import com.github.benmanes.caffeine.cache.Cache;
import io.stampede.shared.Caches;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Builds the RFC 9457 problem responses of the contract: status, title, detail and the member {@code code}. */
@Component
public class ProblemWriter {
    private final JsonMapper json;
    // the few distinct refusals admission control sends thousands of times a second under overload, serialized once
    private final Cache<Repeated, byte[]> repeated =
            Caches.newBuilder().maximumSize(10_000).build();

    private record Repeated(int status, ErrorCode code, String detail, String path) {}

    public ProblemWriter(JsonMapper json) {
        this.json = json;
    }

    public static ProblemDetail problem(HttpStatusCode status, ErrorCode code, String detail, @Nullable String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        HttpStatus known = HttpStatus.resolve(status.value());
        problem.setTitle(known != null ? known.getReasonPhrase() : "Error");
        problem.setProperty("code", code.name());
        if (path != null) {
            problem.setInstance(URI.create(path));
        }
        return problem;
    }

    public static ResponseEntity<Object> entity(ApiException e, @Nullable String path) {
        ResponseEntity.BodyBuilder builder =
                ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        Integer retryAfter = e.retryAfterSeconds();
        if (retryAfter != null) {
            builder.header(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfter));
        }
        return builder.body(problem(e.status(), e.code(), e.detail(), path));
    }

    /** A refusal a controller returns rather than throws (a thrown one costs a stack trace on a hot path). */
    public static ResponseEntity<Object> refusal(HttpServletRequest request, ApiException e) {
        return entity(e, request.getRequestURI());
    }

    /** For filters, which answer before Spring MVC sees the request. */
    public void write(HttpServletRequest request, HttpServletResponse response, ApiException e) throws IOException {
        head(response, e);
        json.writeValue(response.getOutputStream(), problem(e.status(), e.code(), e.detail(), request.getRequestURI()));
    }

    /**
     * As {@link #write}, for a refusal sent over and over (admission control under overload): its body is serialized
     * once per distinct status, code, detail and path, so that turning an attempt away costs no JSON work.
     */
    public void writeRepeated(HttpServletRequest request, HttpServletResponse response, ApiException e)
            throws IOException {
        head(response, e);
        String path = request.getRequestURI();
        byte[] body = repeated.get(
                new Repeated(e.status().value(), e.code(), e.detail(), path),
                k -> json.writeValueAsBytes(problem(e.status(), e.code(), e.detail(), path)));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void head(HttpServletResponse response, ApiException e) {
        response.setStatus(e.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        Integer retryAfter = e.retryAfterSeconds();
        if (retryAfter != null) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfter));
        }
        if (e.status() == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
    }
}
