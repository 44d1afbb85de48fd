package io.stampede.shared.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.RequestContextFilter;

/**
 * Leaves out a servlet filter that Spring Boot adds by default and nothing here needs, so that each request, a
 * purchase above all, passes one filter fewer: the request context filter (a locale and the request's attributes in
 * thread-locals, built and torn down per request) is needed only by code that reaches the request through a static
 * holder outside Spring MVC; the MVC controllers get the same holder from the DispatcherServlet itself, and the
 * purchase endpoint and the filters take the request as an argument. The form-content filter, the other one (form
 * bodies of PUT, PATCH and DELETE, which this JSON API never takes), is off in application.yml.
 */
@Configuration(proxyBeanMethods = false)
class ServletFiltersConfig {

    /** Registered disabled: Spring Boot then adds no request context filter of its own. */
    @Bean
    FilterRegistrationBean<RequestContextFilter> requestContextFilterLeftOut() {
        FilterRegistrationBean<RequestContextFilter> off = new FilterRegistrationBean<>(new RequestContextFilter());
        off.setEnabled(false);
        return off;
    }
}
