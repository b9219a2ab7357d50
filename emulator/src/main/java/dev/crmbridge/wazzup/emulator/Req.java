package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One parsed request as handlers see it. {@code account} is set for authenticated API routes. */
final class Req {

    final String method;
    final String path;
    final String rawQuery;
    final Map<String, String> headers;
    final byte[] body;
    final Map<String, String> pathParams;
    final Map<String, List<String>> query;
    Account account;
    boolean sidecar;

    Req(String method, String path, String rawQuery, Map<String, String> headers, byte[] body,
            Map<String, String> pathParams) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.headers = headers;
        this.body = body;
        this.pathParams = pathParams;
        this.query = parseForm(rawQuery);
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String param(String name) {
        return pathParams.get(name);
    }

    String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body as JSON; a malformed body becomes the given API error. */
    JsonNode json(ApiError onMalformed) {
        if (body.length == 0) {
            throw onMalformed;
        }
        try {
            return Json.parse(body);
        } catch (IOException e) {
            throw onMalformed;
        }
    }

    /** The body as an HTML form. */
    Map<String, List<String>> form() {
        return parseForm(new String(body, StandardCharsets.UTF_8));
    }

    static Map<String, List<String>> parseForm(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }
}
