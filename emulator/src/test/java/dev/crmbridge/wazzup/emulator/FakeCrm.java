package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A CRM's webhook endpoint for tests: records what Wazzup posts and answers as scripted. */
final class FakeCrm implements AutoCloseable {

    /** One received webhook. */
    record Received(String path, String authorization, String contentType, JsonNode body) {
        String kind() {
            return body.fieldNames().next();
        }
    }

    /** A scripted answer. */
    record Answer(int status, String body) {
        static Answer ok() {
            return new Answer(200, "");
        }

        static Answer json(Object value) {
            try {
                return new Answer(200, Http.MAPPER.writeValueAsString(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Answer> answers = r -> Answer.ok();

    FakeCrm() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            try (ex) {
                byte[] bytes = ex.getRequestBody().readAllBytes();
                Received r = new Received(ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Authorization"),
                        ex.getRequestHeaders().getFirst("Content-Type"), Http.MAPPER.readTree(bytes));
                received.add(r);
                Answer a = answers.apply(r);
                byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = ex.getResponseBody()) {
                        os.write(out);
                    }
                }
            }
        });
        server.start();
    }

    /** The webhook URL, with a path and query as a CRM would use. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/wazzup/webhook?token=t0k3n";
    }

    FakeCrm answering(Function<Received, Answer> script) {
        this.answers = script;
        return this;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String kind) {
        return received.stream().filter(r -> r.kind().equals(kind)).toList();
    }

    void clear() {
        received.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
