package dev.crmbridge.wazzup.emulator;

import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The request journal: the newest API requests, secrets masked. Thread-safe. */
public final class Journal {

    private static final Pattern SECRET_FIELDS =
            Pattern.compile("\"(secret|crmKey|apiKey|clientApiKey)\"(\\s*:\\s*)\"[^\"]*\"");

    private final EmulatorOptions options;
    private final ArrayDeque<JournalEntry> entries = new ArrayDeque<>();
    private long seq;

    Journal(EmulatorOptions options) {
        this.options = options;
    }

    synchronized void add(JournalEntry entry) {
        entries.addLast(entry);
        while (entries.size() > Math.max(0, options.journalCapacity)) {
            entries.removeFirst();
        }
    }

    synchronized long nextSeq() {
        return ++seq;
    }

    /** All kept entries, oldest first. */
    public synchronized List<JournalEntry> entries() {
        return new ArrayList<>(entries);
    }

    /** Kept entries that match, oldest first. */
    public synchronized List<JournalEntry> entries(Predicate<JournalEntry> filter) {
        return entries.stream().filter(filter).toList();
    }

    /** Entries of one route, e.g. {@code "POST /v3/contacts"}. */
    public List<JournalEntry> entries(String routeKey) {
        return entries(e -> routeKey.equals(e.route()));
    }

    public synchronized void clear() {
        entries.clear();
    }

    /** The header map a journal entry shows: {@code Authorization} keeps only its scheme. */
    static Map<String, String> maskHeaders(Map<String, String> headers) {
        Map<String, String> out = new java.util.HashMap<>();
        headers.forEach((k, v) -> {
            if (k.equals("authorization")) {
                int space = v.indexOf(' ');
                out.put(k, (space > 0 ? v.substring(0, space) + " " : "") + "***");
            } else if (k.contains("key") || k.contains("token") || k.contains("secret") || k.equals("cookie")) {
                out.put(k, "***");
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The body a journal entry shows: secret JSON fields masked, cut at the limit. */
    String maskBody(String body) {
        // the regex costs more than the rest of a contacts upsert: run it only where a secret can be
        String masked = body.contains("\"secret\"") || body.contains("Key\"")
                ? SECRET_FIELDS.matcher(body).replaceAll("\"$1\"$2\"***\"") : body;
        int limit = options.journalBodyLimit;
        return masked.length() > limit ? masked.substring(0, limit) + "…" : masked;
    }

    /** A send's {@code crmMessageId} ({@code POST /v3/message} only), kept whole however the journal cuts the body. */
    static String crmMessageId(String route, byte[] body) {
        if (!"POST /v3/message".equals(route)) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode id = Json.parse(body).get("crmMessageId");
            return id == null || id.isNull() || !id.isValueNode() ? null : id.asText();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
