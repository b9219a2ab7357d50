package dev.crmbridge.wazzup.testdb;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of the machine's own binaries (Debian's {@code postgresql} package, see
 * {@code bin/setup-test-deps}), in a directory of its own, on a free loopback port, with trust
 * authentication for the user {@value #USER}. PostgreSQL refuses to run as root: as root the server runs
 * as the {@code postgres} user (and its directory belongs to it). Unix sockets are off: clients use TCP.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start(Path.of("target/pg"))) {
 *     String url = pg.createDatabase("sync");   // jdbc:postgresql://127.0.0.1:<port>/sync
 * }
 * }</pre>
 *
 * <p>{@code java -cp emulator.jar dev.crmbridge.wazzup.testdb.PostgresServer <dir> [port]} runs one until
 * its standard input ends (scripts, the cluster demo).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "wazzup";

    private final Path data;
    private final Path bin;
    private final int port;
    private final boolean asPostgres;
    /** Stops the server when the JVM exits, unless the owner stops it itself ({@link #stoppedByOwner()}). */
    private Thread hook;
    private volatile boolean stopped;

    private PostgresServer(Path data, Path bin, int port, boolean asPostgres) {
        this.data = data;
        this.bin = bin;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Initialises (once) and starts a server with its data in {@code dir}/data, on a free port. */
    public static PostgresServer start(Path dir) throws IOException {
        return start(dir, freePort());
    }

    /** The same on {@code port}. */
    public static PostgresServer start(Path dir, int port) throws IOException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path home = usable(dir.toAbsolutePath(), root);
        Path data = home.resolve("data");
        if (!Files.isRegularFile(data.resolve("PG_VERSION"))) {
            run(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", USER,
                    "-E", "UTF8", "--no-sync"), home, 120);
        }
        Path log = home.resolve("server.log");
        PostgresServer server = new PostgresServer(data, bin, port, root);
        run(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300"
                        + " -c fsync=on", "start"), home, 90);
        server.hook = new Thread(server::close, "stop PostgreSQL");
        Runtime.getRuntime().addShutdownHook(server.hook);
        return server;
    }

    /** The port the server listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The JDBC URL of database {@code name}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
    }

    /** Creates database {@code name} (dropping one of that name first); answers its URL. */
    public String createDatabase(String name) throws SQLException {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("a plain lower-case database name: " + name);
        }
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    /** Stops the server (fast: open sessions are ended). Its data stays. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            run(asPostgres, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"),
                    data.getParent(), 60);
        } catch (IOException | RuntimeException e) {
            // already stopped
        }
    }

    /** The newest server binaries on the machine ({@code PG_BIN} overrides). */
    static Path binaries() throws IOException {
        String env = System.getenv("PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        File[] versions = new File("/usr/lib/postgresql").listFiles(f -> new File(f, "bin/pg_ctl").canExecute());
        if (versions == null || versions.length == 0) {
            throw new IOException("no PostgreSQL server binaries under /usr/lib/postgresql: run bin/setup-test-deps "
                    + "(it installs Debian's postgresql package)");
        }
        return Arrays.stream(versions).max(Comparator.comparingInt(f -> version(f.getName()))).orElseThrow().toPath()
                .resolve("bin");
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name.replaceAll("[^0-9].*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * {@code dir}, made and, as root, given to the postgres user; when that user cannot reach it (a
     * checkout under a private home), a directory under the system's temporary directory instead.
     */
    private static Path usable(Path dir, boolean root) throws IOException {
        Files.createDirectories(dir);
        if (!root) {
            return dir;
        }
        run(true, List.of("true"), dir, 10); // the user exists
        waitFor(new ProcessBuilder("chown", "-R", "postgres:postgres", dir.toString()).start(), 30);
        if (exit(List.of("runuser", "-u", "postgres", "--", "test", "-w", dir.toString())) == 0) {
            return dir;
        }
        Path tmp = Files.createTempDirectory("wazzup-pg-");
        waitFor(new ProcessBuilder("chown", "-R", "postgres:postgres", tmp.toString()).start(), 30);
        return tmp;
    }

    private static void run(boolean asPostgres, List<String> command, Path dir, int seconds) throws IOException {
        List<String> c = new ArrayList<>();
        if (asPostgres) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true);
        pb.directory(dir.toFile().isDirectory() ? dir.toFile() : null);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        waitFor(p, seconds);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                    + new String(out, java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    private static int exit(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        waitFor(p, 30);
        return p.exitValue();
    }

    private static void waitFor(Process p, int seconds) throws IOException {
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs a server in {@code args[0]} (on {@code args[1]}, or a free port) until standard input ends. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/pg");
        try (PostgresServer pg = args.length > 1 ? start(dir, Integer.parseInt(args[1])) : start(dir)) {
            System.out.println("POSTGRES READY " + pg.url("postgres"));
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the standard input ends
            }
        }
    }

    /**
     * The owner stops the server itself, in its own shutdown hook, after what uses it: the JVM's exit no longer
     * stops it at the same time (shutdown hooks run concurrently).
     */
    public PostgresServer stoppedByOwner() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // the JVM is exiting: the hook runs
        }
        return this;
    }
}
