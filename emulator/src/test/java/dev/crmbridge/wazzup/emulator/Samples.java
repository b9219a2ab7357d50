package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** The team's sample bodies ({@code ../shared/wazzup-samples}) and a structural comparison. */
final class Samples {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Samples() {
    }

    /** The samples folder: {@code -Dwazzup.samples=…}, else {@code shared/wazzup-samples} beside an ancestor of the working directory. */
    static Path dir() {
        String configured = System.getProperty("wazzup.samples");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("wazzup-samples");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("../shared/wazzup-samples not found beside the checkout; set -Dwazzup.samples");
    }

    static String text(String name) {
        try {
            return Files.readString(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return MAPPER.readTree(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Differences in shape between a sample and an actual body: field names of objects (recursively),
     * JSON types of values, and the shape of the first element of arrays. Empty when they match.
     */
    static List<String> shapeDifferences(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        compare("$", expected, actual, out);
        return out;
    }

    private static void compare(String path, JsonNode e, JsonNode a, List<String> out) {
        if (a == null || e.getNodeType() != a.getNodeType()) {
            out.add(path + ": expected " + e.getNodeType() + " but was " + (a == null ? "absent" : a.getNodeType()));
            return;
        }
        if (e.isObject()) {
            TreeSet<String> ef = names(e.fieldNames());
            TreeSet<String> af = names(a.fieldNames());
            if (!ef.equals(af)) {
                out.add(path + ": fields " + af + " instead of " + ef);
            }
            for (String f : ef) {
                if (a.has(f)) {
                    compare(path + "." + f, e.get(f), a.get(f), out);
                }
            }
        } else if (e.isArray() && !e.isEmpty()) {
            if (a.isEmpty()) {
                out.add(path + ": empty array");
            } else {
                compare(path + "[0]", e.get(0), a.get(0), out);
            }
        }
    }

    private static TreeSet<String> names(Iterator<String> it) {
        TreeSet<String> s = new TreeSet<>();
        it.forEachRemaining(s::add);
        return s;
    }
}
