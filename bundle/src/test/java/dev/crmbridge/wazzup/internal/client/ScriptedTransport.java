package dev.crmbridge.wazzup.internal.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** A transport that answers from a script and records what was sent. */
final class ScriptedTransport implements HttpTransport {

    private final Deque<Object> script = new ArrayDeque<>();
    private final List<TransportRequest> sent = new ArrayList<>();

    /** Next answer: a status and a body. */
    ScriptedTransport answer(int status, String body) {
        script.add(new TransportResponse(status, Map.of(), body.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    ScriptedTransport answer(int times, int status, String body) {
        for (int i = 0; i < times; i++) {
            answer(status, body);
        }
        return this;
    }

    /** Next answer: this exception instead. */
    ScriptedTransport fail(IOException e) {
        script.add(e);
        return this;
    }

    @Override
    public synchronized TransportResponse send(TransportRequest request) throws IOException {
        sent.add(request);
        Object next = script.poll();
        if (next == null) {
            throw new AssertionError("unscripted request " + request);
        }
        if (next instanceof IOException e) {
            throw e;
        }
        return (TransportResponse) next;
    }

    synchronized List<TransportRequest> sent() {
        return List.copyOf(sent);
    }

    synchronized String body(int i) {
        return new String(sent.get(i).body(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
    }
}
