package io.stampede.shared.redis;

import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Runs the Lua scripts a purchase waits for on Lettuce's shared connection itself, and waits for the answer without a
 * clock of its own.
 *
 * <p>Through {@link StringRedisTemplate} a script call waits for Lettuce's future with the command timeout. On a
 * virtual thread a timed wait hands a task to the scheduler's delay queue, wakes the thread that runs that queue, and
 * cancels the task when the answer comes: in a profile of winners and of sold-out answers (async-profiler, CPU) that
 * machinery had 9% of the server's samples, where a refused request, which waits for nothing, had 0.5%. Here the wait
 * has no timeout of its own: Lettuce expires every command after the same command timeout on its timer wheel (Spring
 * Boot turns that on, {@code TimeoutOptions}), and the expired command fails the wait just as the template's timeout
 * did, with the same exception. Without that expiry, or without a shared native connection, every call goes through
 * the template as before. The rest is the template's: the script is called by its SHA and sent whole once when Redis
 * does not know it (NOSCRIPT), byte strings in the answer come back as strings, and Lettuce's exceptions are
 * translated into Spring's, which the gate's circuit breaker counts. Only scripts answering a number or a list take
 * this way; others go through the template.
 */
public final class ScriptCalls {
    private static final LettuceExceptionConverter EXCEPTIONS = new LettuceExceptionConverter();

    private final StringRedisTemplate template;
    private final @Nullable LettuceConnectionFactory lettuce;
    private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;

    private ScriptCalls(StringRedisTemplate template, @Nullable LettuceConnectionFactory lettuce) {
        this.template = template;
        this.lettuce = lettuce;
    }

    /** Script calls on the template's connection factory: directly when it is Lettuce's with command expiry on. */
    public static ScriptCalls of(StringRedisTemplate template) {
        RedisConnectionFactory factory = template.getConnectionFactory();
        return new ScriptCalls(
                template,
                factory instanceof LettuceConnectionFactory lettuce && waitsAreBounded(lettuce) ? lettuce : null);
    }

    /**
     * Whether a wait without a timeout still ends: Lettuce expires the commands of the shared connection. A connection
     * per call (no shared one) would be opened and closed by every call: those go through the template.
     */
    static boolean waitsAreBounded(LettuceConnectionFactory factory) {
        return factory.getShareNativeConnection()
                && factory.getClientConfiguration()
                        .getClientOptions()
                        .map(o -> o.getTimeoutOptions().isTimeoutCommands())
                        .orElse(false);
    }

    /** Whether calls go to Lettuce directly (else through the template). */
    public boolean direct() {
        return lettuce != null;
    }

    /** As {@link StringRedisTemplate#execute(RedisScript, List, Object...)}. */
    public <T> @Nullable T execute(RedisScript<T> script, List<String> keys, String... args) {
        Class<T> type = script.getResultType();
        RedisClusterAsyncCommands<byte[], byte[]> redis = commands();
        if (redis == null || (type != Long.class && type != List.class)) {
            return template.execute(script, keys, (Object[]) args);
        }
        ScriptOutputType output = type == Long.class ? ScriptOutputType.INTEGER : ScriptOutputType.MULTI;
        byte[][] k = utf8(keys);
        byte[][] a = utf8(Arrays.asList(args));
        try {
            Object answer;
            try {
                answer = await(redis.evalsha(script.getSha1(), output, k, a));
            } catch (RedisNoScriptException e) { // Redis restarted, failed over or flushed its scripts: send it whole
                answer = await(redis.eval(script.getScriptAsString().getBytes(StandardCharsets.UTF_8), output, k, a));
            }
            return type.cast(strings(answer));
        } catch (RuntimeException e) {
            DataAccessException translated = EXCEPTIONS.convert(e);
            throw translated != null ? translated : e;
        }
    }

    private static byte[][] utf8(List<String> texts) {
        byte[][] bytes = new byte[texts.size()][];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = texts.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    /** Waits without a timeout: Lettuce's expiry of the command ends the wait (see {@link #waitsAreBounded}). */
    private static Object await(RedisFuture<Object> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new RedisException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandInterruptedException(e);
        }
    }

    /** The answer as the template gives it: byte strings as strings, in lists too; numbers as they are. */
    private static @Nullable Object strings(@Nullable Object answer) {
        if (answer instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (answer instanceof List<?> list) {
            List<@Nullable Object> converted = new ArrayList<>(list.size());
            for (Object element : list) {
                converted.add(strings(element));
            }
            return converted;
        }
        return answer;
    }

    /**
     * The shared connection's commands, fetched again when it is not open (a reset factory has a new one; while Redis
     * is away, the same one is handed back and its calls fail or wait as the template's would).
     */
    private @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands() {
        LettuceConnectionFactory factory = lettuce;
        if (factory == null) {
            return null;
        }
        RedisClusterAsyncCommands<byte[], byte[]> current = commands;
        if (current != null && current.isOpen()) {
            return current;
        }
        try (RedisConnection connection = factory.getConnection()) {
            @SuppressWarnings("unchecked")
            RedisClusterAsyncCommands<byte[], byte[]> fetched =
                    (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
            commands = fetched;
            return fetched;
        }
    }
}
