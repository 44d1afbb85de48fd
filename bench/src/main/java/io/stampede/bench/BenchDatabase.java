package io.stampede.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * One database engine of the comparison: where to connect as an administrator, and the bench's own database on it,
 * dropped and re-created before each engine's runs so every comparison starts from an empty schema.
 *
 * @param kind     {@code postgresql} or {@code mariadb}
 * @param adminUrl a JDBC URL the bench may connect to for {@code DROP/CREATE DATABASE}
 * @param name     the bench's database, created beside the admin URL's one
 */
public record BenchDatabase(String kind, String adminUrl, String user, String password, String name) {

    static BenchDatabase of(String kind, CompareOptions o) {
        return switch (kind) {
            case "postgresql" ->
                new BenchDatabase(kind, o.postgresUrl(), o.postgresUser(), o.postgresPassword(), o.dbName());
            case "mariadb" -> new BenchDatabase(kind, o.mariadbUrl(), o.mariadbUser(), o.mariadbPassword(), o.dbName());
            default -> throw new IllegalArgumentException("unknown database " + kind);
        };
    }

    /** Drops and creates the bench database; throws {@link SetupException} with the driver's message on failure. */
    void recreate() {
        List<String> statements = kind.equals("postgresql")
                // FORCE ends the sessions of a server left over from an interrupted run (PostgreSQL 13+)
                ? List.of("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name)
                : List.of("DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
        try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new SetupException(
                    "cannot re-create database " + name + " at " + adminUrl + ": " + e.getMessage(), e);
        }
    }

    /** The server's JDBC URL: the admin URL with the bench database in place of its own (query kept). */
    String serverUrl() {
        return serverUrl(adminUrl, name);
    }

    static String serverUrl(String adminUrl, String name) {
        // jdbc:<engine>://host[:port][/db][?query]
        int hostStart = adminUrl.indexOf("//") + 2;
        int query = adminUrl.indexOf('?', hostStart);
        String head = query < 0 ? adminUrl : adminUrl.substring(0, query);
        String tail = query < 0 ? "" : adminUrl.substring(query);
        int slash = head.indexOf('/', hostStart);
        String hostPart = slash < 0 ? head : head.substring(0, slash);
        return hostPart + "/" + name + tail;
    }

    /** The version string the engine reports, for the report's machine facts; the exception's text on failure. */
    String version() {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password)) {
            return c.getMetaData().getDatabaseProductName() + " "
                    + c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
