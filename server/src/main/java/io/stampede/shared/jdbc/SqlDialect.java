package io.stampede.shared.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.DatabaseMetaData;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;

/**
 * The few SQL fragments that differ between the supported databases, PostgreSQL and MariaDB 10.11+, for the
 * database the DataSource connects to (detected once, from its metadata). Everything else is written once, in SQL
 * both understand.
 */
@Component
public class SqlDialect {
    private static final Logger log = LoggerFactory.getLogger(SqlDialect.class);

    /** The databases Stampede runs on. */
    public enum Database {
        POSTGRESQL,
        MARIADB
    }

    private final Database database;

    public SqlDialect(DataSource dataSource) {
        this.database = detect(dataSource);
    }

    public Database database() {
        return database;
    }

    /** {@code n} comma-separated placeholders, for {@code IN (...)} and multi-row {@code VALUES}. */
    public static String placeholders(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }

    /** Appended to a SELECT: share-locks the rows it reads until the transaction ends. */
    public String forShare() {
        return database == Database.MARIADB ? "LOCK IN SHARE MODE" : "FOR SHARE";
    }

    /** An INSERT of one row that does nothing when a row with its key exists already. */
    public String insertIfAbsent(String table, String columns, String values) {
        return database == Database.MARIADB
                ? "INSERT IGNORE INTO " + table + " (" + columns + ") VALUES (" + values + ")"
                : "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") ON CONFLICT DO NOTHING";
    }

    /**
     * An INSERT of one row that, when a row with its key exists, adds the new row's {@code column} to it instead; it
     * locks the row either way (on MariaDB without the shared-then-exclusive upgrade of INSERT IGNORE that deadlocks).
     */
    public String insertOrAdd(String table, String key, String column, String columns, String values) {
        return database == Database.MARIADB
                ? "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") ON DUPLICATE KEY UPDATE "
                        + column + " = " + column + " + VALUES(" + column + ")"
                : "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") ON CONFLICT (" + key
                        + ") DO UPDATE SET " + column + " = " + table + "." + column + " + EXCLUDED." + column;
    }

    private static Database detect(DataSource dataSource) {
        String product;
        try {
            product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
        } catch (MetaDataAccessException e) {
            throw new IllegalStateException("cannot tell which database the data source connects to", e);
        }
        String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (name.contains("postgresql")) {
            return Database.POSTGRESQL;
        }
        if (name.contains("mariadb")) {
            return Database.MARIADB;
        }
        throw new IllegalStateException("Stampede runs on PostgreSQL or MariaDB 10.11+, not on " + product);
    }

    /**
     * Keeps instants exact on MariaDB. Its DATETIME columns hold no time zone, and by default the driver writes a
     * {@code java.sql.Timestamp} as the JVM's local time and reads it back the same way: consistent within one JVM,
     * but wrong across instances in other zones and ambiguous in the hour a daylight-saving change repeats. With
     * these options the driver converts every instant to UTC and back, and the session runs in UTC, whatever the
     * JVM's zone. A URL that sets any of them itself is left as its operator wrote it.
     */
    @Component
    static class MariaDbUtcInstants implements BeanPostProcessor {
        private static final List<String> OPTIONS =
                List.of("connectionTimeZone", "forceConnectionTimeZoneToSession", "preserveInstants", "timezone");

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            // before the pool opens its first connection: the options are given to the driver with each connect
            if (bean instanceof HikariDataSource hikari
                    && hikari.getJdbcUrl() != null
                    && hikari.getJdbcUrl().startsWith("jdbc:mariadb:")) {
                String url = hikari.getJdbcUrl().toLowerCase(Locale.ROOT);
                boolean chosen = OPTIONS.stream()
                        .anyMatch(o -> url.contains(o.toLowerCase(Locale.ROOT) + "=")
                                || hikari.getDataSourceProperties().containsKey(o));
                if (chosen) {
                    log.warn(
                            "The MariaDB URL sets its own time-zone options; instants are exact only if they keep "
                                    + "UTC (connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&preserveInstants=true)");
                } else {
                    hikari.addDataSourceProperty("connectionTimeZone", "UTC");
                    hikari.addDataSourceProperty("forceConnectionTimeZoneToSession", "true");
                    hikari.addDataSourceProperty("preserveInstants", "true");
                }
            }
            return bean;
        }
    }
}
