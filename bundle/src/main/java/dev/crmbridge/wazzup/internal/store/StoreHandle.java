package dev.crmbridge.wazzup.internal.store;

import java.io.File;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * An open store: the database (the embedded H2 file, or the host's DataSource), the account's tables,
 * migrated, and the group-commit writer. Closing commits what is queued, then closes the embedded file.
 */
public final class StoreHandle implements AutoCloseable {

    private final EmbeddedDatabase embedded;
    private final Store store;
    private final GroupWriter writer;

    private StoreHandle(EmbeddedDatabase embedded, DataSource dataSource, String account) {
        this.embedded = embedded;
        Store s = new Store(dataSource, account);
        try {
            s.migrate();
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        this.store = s;
        this.writer = new GroupWriter(s.jdbc(), "the store writer");
    }

    /** The embedded H2 database {@code wazzup} in {@code directory}. */
    public static StoreHandle embedded(File directory, String account) {
        EmbeddedDatabase db = new EmbeddedDatabase(directory);
        return new StoreHandle(db, db.dataSource(), account);
    }

    /** The host's database. */
    public static StoreHandle of(DataSource dataSource, String account) {
        return new StoreHandle(null, dataSource, account);
    }

    public Store store() {
        return store;
    }

    public GroupWriter writer() {
        return writer;
    }

    public boolean embedded() {
        return embedded != null;
    }

    @Override
    public void close() {
        writer.close(Duration.ofSeconds(5));
        if (embedded != null) {
            embedded.close();
        }
    }
}
