package dev.crmbridge.wazzup.internal.config;

/** Where the connector keeps its outbox and sync state. */
public enum Storage {
    /** An H2 database file in the bundle's data area, embedded in the bundle: no setup. */
    EMBEDDED,
    /** A {@code javax.sql.DataSource} service of the host (e.g. PostgreSQL shared by a cluster). */
    DATA_SOURCE
}
