package io.stampede.shared.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts under {@code lua/}, read once into memory. A script built from a classpath resource instead
 * asks the resource for its modification time on every call, which inside a packaged jar throws (and catches) a
 * FileNotFoundException with a full stack trace on every purchase: a hidden cost on the hottest path.
 */
public final class LuaScripts {
    private LuaScripts() {}

    public static <T> RedisScript<T> load(String name, Class<T> type) {
        String path = "lua/" + name + ".lua";
        // this class's own loader: a static script must not hold the context loader of whichever web app came first
        try (InputStream in = LuaScripts.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no script on the classpath at " + path);
            }
            return RedisScript.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
