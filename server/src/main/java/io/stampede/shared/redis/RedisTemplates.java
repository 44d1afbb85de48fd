package io.stampede.shared.redis;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The one Redis template every adapter uses, as Spring Boot would make it but handing its callbacks the connection
 * itself. By default the template wraps the connection of every call (every gate script of every purchase) in a
 * new JDK proxy that stops callbacks from closing it: the proxy's interfaces are looked up again and each command
 * then goes through reflection, about 2% of the server's samples in a profile of winners and sold-out answers. No
 * callback here closes its connection.
 */
@Configuration(proxyBeanMethods = false)
public class RedisTemplates {
    @Bean
    StringRedisTemplate stringRedisTemplate(RedisConnectionFactory connections) {
        StringRedisTemplate template = new StringRedisTemplate(connections);
        template.setExposeConnection(true);
        return template;
    }
}
