package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v3/templates/whatsapp} (§10.5), page by page ({@code limit}, {@code offset}). Lenient about
 * the list's wrapping: a bare array, or an object with {@code data}, {@code templates} or {@code items}.
 */
public final class TemplatesApi {

    /** A page's size: Wazzup's default and, as far as known, its most. */
    static final int PAGE = 100;
    /** A guard against a server that pages for ever. */
    private static final int MAX_PAGES = 100;
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*(\\d+)\\s*\\}\\}");

    private final Requester requester;

    TemplatesApi(Requester requester) {
        this.requester = requester;
    }

    /** Every template of the account. */
    public List<WzTemplate> list() {
        List<WzTemplate> all = new ArrayList<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            int offset = page * PAGE;
            List<WzTemplate> got = requester.execute(new Requester.Call("GET /v3/templates/whatsapp", "GET",
                    "/v3/templates/whatsapp?limit=" + PAGE + "&offset=" + offset, null, Requester.Retry.IDEMPOTENT, true),
                    r -> r.body().length == 0 ? List.of() : parse(Json.mapper().readTree(r.body())), null);
            all.addAll(got);
            if (got.size() < PAGE) {
                break;
            }
        }
        return all;
    }

    static List<WzTemplate> parse(JsonNode root) {
        JsonNode items = root.isArray() ? root
                : root.has("data") ? root.get("data") : root.has("templates") ? root.get("templates") : root.path("items");
        List<WzTemplate> out = new ArrayList<>();
        for (JsonNode t : items) {
            String id = text(t, "templateGuid");
            if (id == null) {
                continue; // not a template: nothing to send it by
            }
            String body = null;
            int variables = 0;
            for (JsonNode c : t.path("components")) {
                String ctext = text(c, "text");
                if ("BODY".equalsIgnoreCase(text(c, "type"))) {
                    body = ctext;
                }
                if (ctext != null) {
                    Matcher m = VARIABLE.matcher(ctext);
                    while (m.find()) {
                        variables = Math.max(variables, Integer.parseInt(m.group(1)));
                    }
                }
            }
            List<String> channels = new ArrayList<>();
            for (JsonNode ch : t.path("channels")) {
                channels.add(ch.isTextual() ? ch.asText() : ch.path("channelId").asText(ch.path("guid").asText("")));
            }
            out.add(new WzTemplate(id, text(t, "name"), text(t, "title"), text(t, "language"), text(t, "category"),
                    text(t, "status"), body, variables, channels));
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A template as read: the body's text and how many variables its components hold. */
    public record WzTemplate(String templateGuid, String name, String title, String language, String category,
            String status, String body, int variables, List<String> channels) {
    }
}
