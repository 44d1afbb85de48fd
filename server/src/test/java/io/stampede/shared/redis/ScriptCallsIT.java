package io.stampede.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.stampede.testsupport.RedisProcess;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * {@link ScriptCalls} against a Redis of this test's own (paused, flushed, stopped): it answers exactly as the
 * template does, sends a script Redis forgot, fails as the template fails, and its waits without a timeout still end
 * at the command timeout.
 */
class ScriptCallsIT {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    private static final RedisScript<List> MIXED =
            RedisScript.of("return {KEYS[1], ARGV[1], tonumber(ARGV[2]), false, {ARGV[3], 7}, 'ünï'}", List.class);
    private static final RedisScript<Long> COUNT =
            RedisScript.of("return redis.call('HINCRBY', KEYS[1], 'n', tonumber(ARGV[1]))", Long.class);
    private static final RedisScript<Long> NIL = RedisScript.of("return redis.call('GET', KEYS[1])", Long.class);
    private static final RedisScript<Long> BROKEN = RedisScript.of("return redis.call('NO_SUCH_COMMAND')", Long.class);

    private static RedisProcess server;
    /** As Spring Boot configures Lettuce: every command expires after the command timeout. */
    private static LettuceConnectionFactory expiring;
    /** Lettuce's own default: no expiry, so a wait without a timeout could last for ever. */
    private static LettuceConnectionFactory plain;

    @BeforeAll
    static void start() {
        server = RedisProcess.start();
        expiring = factory(TimeoutOptions.enabled());
        plain = factory(TimeoutOptions.create());
    }

    private static LettuceConnectionFactory factory(TimeoutOptions timeouts) {
        LettuceClientConfiguration configuration = LettuceClientConfiguration.builder()
                .clientOptions(ClientOptions.builder().timeoutOptions(timeouts).build())
                .commandTimeout(COMMAND_TIMEOUT)
                .build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", server.port()), configuration);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    @AfterAll
    static void stop() {
        expiring.destroy();
        plain.destroy();
        server.close();
    }

    @AfterEach
    void runningAgain() {
        try (RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port())) {
            client.connect().close();
        } catch (RuntimeException e) { // a test stopped it
            server.startAgain();
        }
    }

    private static StringRedisTemplate template(LettuceConnectionFactory factory) {
        StringRedisTemplate template = new StringRedisTemplate(factory);
        template.afterPropertiesSet();
        return template;
    }

    @Test
    void goesToLettuceDirectlyOnlyWhenItsCommandsExpire() {
        assertThat(ScriptCalls.of(template(expiring)).direct()).isTrue();
        assertThat(ScriptCalls.of(template(plain)).direct()).isFalse();
    }

    @Test
    void answersExactlyAsTheTemplateDoes() {
        StringRedisTemplate template = template(expiring);
        ScriptCalls scripts = ScriptCalls.of(template);
        List<String> keys = List.of("{t}:a");
        String[] args = {"x", "42", "y"};

        Object direct = scripts.execute(MIXED, keys, args);
        assertThat(direct).isEqualTo(template.execute(MIXED, keys, (Object[]) args));
        assertThat(direct).isEqualTo(Arrays.asList("{t}:a", "x", 42L, null, List.of("y", 7L), "ünï"));

        assertThat(scripts.execute(COUNT, List.of("{t}:n"), "5")).isEqualTo(5L);
        assertThat(template.execute(COUNT, List.of("{t}:n"), "5")).isEqualTo(10L);
        assertThat(scripts.execute(COUNT, List.of("{t}:n"), "-3")).isEqualTo(7L);
        assertThat(scripts.execute(NIL, List.of("{t}:none"))).isNull();
        assertThat(template.execute(NIL, List.of("{t}:none"))).isNull();
    }

    @Test
    void sendsAScriptRedisForgotWhole() {
        StringRedisTemplate template = template(expiring);
        ScriptCalls scripts = ScriptCalls.of(template);
        RedisScript<Long> fresh = RedisScript.of("return 1 + #ARGV -- " + System.nanoTime(), Long.class);
        flushScripts();

        assertThat(scripts.execute(fresh, List.of("{t}:k"), "a", "b")).isEqualTo(3L);
        assertThat(template.execute(fresh, List.of("{t}:k"), "a")).isEqualTo(2L); // known now: by SHA
    }

    @Test
    void failsWithTheTemplatesExceptions() {
        StringRedisTemplate template = template(expiring);
        ScriptCalls scripts = ScriptCalls.of(template);

        Throwable direct = catchThrowable(() -> scripts.execute(BROKEN, List.of("{t}:k")));
        Throwable viaTemplate = catchThrowable(() -> template.execute(BROKEN, List.of("{t}:k")));
        assertThat(direct).isInstanceOf(RedisSystemException.class);
        assertThat(direct.getClass()).isEqualTo(viaTemplate.getClass());
        assertThat(direct.getCause()).hasMessage(viaTemplate.getCause().getMessage());
    }

    /**
     * The wait has no timeout of its own: Lettuce's expiry must end it. Redis is paused for far longer than the
     * command timeout, so an answer means the wait outlasted the timeout; the timeout's exception means it did not.
     */
    @Test
    void aWaitWithoutATimeoutStillEndsAtTheCommandTimeout() {
        StringRedisTemplate template = template(expiring);
        ScriptCalls scripts = ScriptCalls.of(template);
        assertThat(scripts.execute(COUNT, List.of("{t}:p"), "1")).isEqualTo(1L); // connected and loaded first

        pause(Duration.ofSeconds(10));
        try {
            Throwable direct = catchThrowable(() -> scripts.execute(COUNT, List.of("{t}:p"), "1"));
            Throwable viaTemplate = catchThrowable(() -> template.execute(COUNT, List.of("{t}:p"), "1"));
            assertThat(direct).isInstanceOf(QueryTimeoutException.class);
            assertThat(viaTemplate).isInstanceOf(QueryTimeoutException.class);
        } finally {
            unpause();
        }
    }

    /** While Redis is away both fail alike; once it is back, the same calls answer again on the reconnected connection. */
    @Test
    void aRedisThatWentAwayAndCameBackIsUsedAgain() {
        StringRedisTemplate template = template(expiring);
        ScriptCalls scripts = ScriptCalls.of(template);
        assertThat(scripts.execute(COUNT, List.of("{t}:r"), "1")).isEqualTo(1L);

        server.stop();
        Throwable direct = catchThrowable(() -> scripts.execute(COUNT, List.of("{t}:r"), "1"));
        Throwable viaTemplate = catchThrowable(() -> template.execute(COUNT, List.of("{t}:r"), "1"));
        assertThat(direct).isNotNull();
        assertThat(direct.getClass()).isEqualTo(viaTemplate.getClass());

        server.startAgain(); // an empty Redis: its scripts and keys are gone
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> Long.valueOf(1).equals(scripts.execute(COUNT, List.of("{t}:r"), "1")));
    }

    @Test
    void withoutExpiryEveryCallGoesThroughTheTemplate() {
        StringRedisTemplate template = template(plain);
        ScriptCalls scripts = ScriptCalls.of(template);
        assertThat(scripts.execute(MIXED, List.of("{t}:a"), "x", "1", "y"))
                .isEqualTo(Arrays.asList("{t}:a", "x", 1L, null, List.of("y", 7L), "ünï"));
    }

    private static void flushScripts() {
        try (RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
                StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().scriptFlush();
        }
    }

    /** Holds every write, scripts included, for a while; this test's connections can still unpause it. */
    private static void pause(Duration duration) {
        client("PAUSE", Long.toString(duration.toMillis()), "WRITE");
    }

    private static void unpause() {
        client("UNPAUSE");
    }

    private static void client(String... args) {
        try (RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
                StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync()
                    .dispatch(
                            CommandType.CLIENT,
                            new StatusOutput<>(StringCodec.UTF8),
                            new CommandArgs<>(StringCodec.UTF8).addValues(args));
        }
    }
}
