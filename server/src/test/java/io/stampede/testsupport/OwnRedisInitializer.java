package io.stampede.testsupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * As {@link ServicesInitializer}, but with a Redis of the test class's own ({@link RedisProcess}), for tests that
 * restart Redis: each test class declares a subclass, and gets its Redis with {@link #redisOf}. The Redis is stopped
 * with {@link #stop} (or when the JVM exits).
 */
public abstract class OwnRedisInitializer extends ServicesInitializer {
    private static final Map<Class<?>, RedisProcess> STARTED = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> STARTED.values().forEach(RedisProcess::close), "own-redis-stop"));
    }

    public static RedisProcess redisOf(Class<? extends OwnRedisInitializer> owner) {
        return STARTED.computeIfAbsent(owner, k -> RedisProcess.start());
    }

    public static void stop(Class<? extends OwnRedisInitializer> owner) {
        RedisProcess redis = STARTED.remove(owner);
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        super.initialize(context);
        RedisProcess redis = redisOf(getClass());
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "stampede-own-redis",
                        Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", redis.port())));
    }
}
