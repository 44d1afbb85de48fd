package io.stampede.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL of a test's own, from the embedded binary, on a free loopback port that it keeps across a
 * {@link #stop} and {@link #startAgain}, with its data kept too: a database that goes away in the middle of a test
 * and comes back as it was.
 */
public final class PostgresProcess {
    private final int port;
    private final Path dir;
    private EmbeddedPostgres postgres;

    private PostgresProcess(int port, Path dir) throws IOException {
        this.port = port;
        this.dir = dir;
        this.postgres = open();
    }

    /** Starts one; {@code name} goes into its temporary directory's name. */
    public static PostgresProcess start(String name) {
        try {
            return new PostgresProcess(TestServices.freePort(), Files.createTempDirectory("stampede-" + name + "-pg"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private EmbeddedPostgres open() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg"))
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** A directory beside the database's, for the service's own files ({@code stampede.data-dir}). */
    public Path dataDir() {
        return dir.resolve("data");
    }

    public void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts it again after {@link #stop}, on the same port and with the same data. */
    public void startAgain() {
        try {
            postgres = open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
