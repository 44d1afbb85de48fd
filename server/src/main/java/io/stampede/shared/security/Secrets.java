package io.stampede.shared.security;

import io.stampede.shared.SharedSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The service's secrets: configured ones are taken as they are; missing ones are generated once and kept
 * in files under the data directory so a restart keeps issued tokens valid. Values are never logged.
 */
@Component
public class Secrets {
    private static final Logger log = LoggerFactory.getLogger(Secrets.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String adminToken;
    private final byte[] jwtKey;
    private final byte[] paymentKey;
    private final Path adminTokenFile;

    public Secrets(SharedSettings properties) {
        Path dir = properties.dataDir();
        this.adminTokenFile = dir.resolve("admin-token").toAbsolutePath();
        this.adminToken = configuredOrFile(properties.adminToken(), adminTokenFile, "admin token");
        String jwt = configuredOrFile(properties.jwtSecret(), dir.resolve("jwt-secret"), "shopper token key");
        this.jwtKey = jwt.getBytes(StandardCharsets.UTF_8);
        if (jwtKey.length < 32) {
            throw new IllegalStateException("STAMPEDE_JWT_SECRET must be at least 32 bytes");
        }
        String payment = configuredOrFile(properties.paymentSecret(), dir.resolve("payment-secret"), "payment key");
        this.paymentKey = payment.getBytes(StandardCharsets.UTF_8);
    }

    public String adminToken() {
        return adminToken;
    }

    public byte[] jwtKey() {
        return jwtKey.clone();
    }

    public byte[] paymentKey() {
        return paymentKey.clone();
    }

    /** Where a generated admin token was written (also named when it was configured, for the start-up line). */
    public Path adminTokenFile() {
        return adminTokenFile;
    }

    private static String configuredOrFile(@Nullable String configured, Path file, String what) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!kept.isEmpty()) {
                    return kept;
                }
            }
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String generated = HexFormat.of().formatHex(bytes);
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            restrictToOwner(file);
            log.info("Generated the {} and wrote it to {}", what, file.toAbsolutePath());
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the " + what + " in " + file, e);
        }
    }

    private static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the file keeps its default permissions
        }
    }
}
