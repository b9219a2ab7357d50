package dev.crmbridge.wazzup.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The group-commit writer: one bad write fails alone, a broken kind fails its callers, nobody waits forever. */
class GroupWriterTest {

    private FaultyDataSource db;
    private Jdbc jdbc;
    private GroupWriter writer;

    /** Inserts its items as rows; "bad" breaks the insert, "error" throws an Error. */
    private static final GroupWriter.Kind<String> ROWS = new GroupWriter.Kind<>() {
        @Override
        public String what() {
            return "write test rows";
        }

        @Override
        public void write(Connection c, List<String> items) throws SQLException {
            try (PreparedStatement in = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
                for (String item : items) {
                    if (item.equals("error")) {
                        throw new NoClassDefFoundError("com/example/Gone");
                    }
                    in.setString(1, item.equals("bad") ? "x".repeat(100) : item);
                    in.addBatch();
                }
                in.executeBatch();
            }
        }
    };

    @BeforeEach
    void open() {
        db = new FaultyDataSource("group-writer-" + System.nanoTime());
        jdbc = new Jdbc(db);
        jdbc.tx("create", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (v VARCHAR(10) NOT NULL)");
            }
            return null;
        });
        writer = new GroupWriter(jdbc, "the test writer");
    }

    @AfterEach
    void close() {
        writer.close(Duration.ofSeconds(1));
    }

    private List<String> rows() {
        return jdbc.tx("read", c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY v")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private static void join(CompletableFuture<Void> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWriteThatFailsFailsAloneAndItsGroupIsCommitted() throws Exception {
        db.stallFor(300); // the writes queue up and go as one group
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (String item : List.of("a", "b", "bad", "c")) {
            writes.add(writer.submit(ROWS, item, Fence.NONE));
        }
        join(writes.get(0));
        join(writes.get(1));
        join(writes.get(3));
        assertThatThrownBy(() -> join(writes.get(2))).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StoreException.class);
        assertThat(rows()).containsExactly("a", "b", "c");
    }

    @Test
    void anErrorFailsItsWritersAndTheWriterGoesOn() throws Exception {
        CompletableFuture<Void> broken = writer.submit(ROWS, "error", Fence.NONE);
        assertThatThrownBy(() -> join(broken)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NoClassDefFoundError.class);
        join(writer.submit(ROWS, "after", Fence.NONE));
        assertThat(rows()).containsExactly("after");
        assertThat(writer.alive()).isTrue();
    }

    @Test
    void aWriteOfAReplacedPartIsRefused() throws Exception {
        Fence fence = new Fence("a replaced runtime");
        fence.close();
        assertThatThrownBy(() -> join(writer.submit(ROWS, "late", fence))).hasCauseInstanceOf(FencedException.class);
        join(writer.submit(ROWS, "current", Fence.NONE));
        assertThat(rows()).containsExactly("current");
    }

    @Test
    void closingWhileTheStoreHangsFailsWhatIsQueuedInsteadOfLeavingItWaiting() {
        db.stallFor(30_000);
        CompletableFuture<Void> queued = writer.submit(ROWS, "never", Fence.NONE);
        writer.close(Duration.ofMillis(200));
        assertThatThrownBy(() -> queued.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> join(writer.submit(ROWS, "after close", Fence.NONE)))
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    /** Takes half a second on PostgreSQL. */
    private static final GroupWriter.Kind<String> SLOW = new GroupWriter.Kind<>() {
        @Override
        public String what() {
            return "wait";
        }

        @Override
        public void write(Connection c, List<String> items) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(0.5)");
            }
        }
    };

    /** Records the transaction's synchronous_commit in its items' stead. */
    private static GroupWriter.Kind<List<String>> seeing(boolean durable) {
        return new GroupWriter.Kind<>() {
            @Override
            public String what() {
                return "see the commit's setting";
            }

            @Override
            public boolean durable() {
                return durable;
            }

            @Override
            public void write(Connection c, List<List<String>> items) throws SQLException {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
                    rs.next();
                    for (List<String> seen : items) {
                        seen.add(rs.getString(1));
                    }
                }
            }
        };
    }

    @Test
    void onPostgresAGroupOfWritesThatMayBeLostInACrashAloneCommitsWithoutWaitingForTheDisk() throws Exception {
        GroupWriter pg = new GroupWriter(new Jdbc(Postgres.database("group_writer_relaxed")), "the test writer on PostgreSQL");
        try {
            GroupWriter.Kind<List<String>> relaxed = seeing(false);
            GroupWriter.Kind<List<String>> durable = seeing(true);
            List<String> alone = new ArrayList<>();
            join(pg.submit(relaxed, alone, Fence.NONE));
            assertThat(alone).containsExactly("off");
            List<String> strict = new ArrayList<>();
            join(pg.submit(durable, strict, Fence.NONE));
            assertThat(strict).as("the server's default").containsExactly("on");
            // together with a write that must be durable, the whole group waits for the disk
            List<String> mixedRelaxed = new ArrayList<>();
            List<String> mixedDurable = new ArrayList<>();
            CompletableFuture<Void> slow = pg.submit(SLOW, "", Fence.NONE); // the next two queue meanwhile
            CompletableFuture<Void> a = pg.submit(relaxed, mixedRelaxed, Fence.NONE);
            CompletableFuture<Void> b = pg.submit(durable, mixedDurable, Fence.NONE);
            join(slow);
            join(a);
            join(b);
            assertThat(mixedRelaxed).containsExactly("on");
            assertThat(mixedDurable).containsExactly("on");
        } finally {
            pg.close(Duration.ofSeconds(1));
        }
    }
}
