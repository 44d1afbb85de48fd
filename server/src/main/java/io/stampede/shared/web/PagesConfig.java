package io.stampede.shared.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The pages' addresses: the storefront at {@code /} (Spring Boot's welcome page), the dashboard at {@code /admin}. */
@Configuration(proxyBeanMethods = false)
class PagesConfig implements WebMvcConfigurer {
    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/admin").setViewName("forward:/admin.html");
        registry.addViewController("/demo/pay").setViewName("forward:/demo/pay.html");
        registry.addViewController("/draw/verify").setViewName("forward:/draw/verify.html");
    }
}
