package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crmbridge.wazzup.emulator.model.Channel;
import dev.crmbridge.wazzup.emulator.model.Template;
import dev.crmbridge.wazzup.emulator.model.Template.Button;
import dev.crmbridge.wazzup.emulator.model.Template.Component;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An account's WABA templates (§10.5): what {@code GET /v3/templates/whatsapp} lists and what a
 * template send is checked against. Thread-safe.
 */
final class Templates {

    /** A variable in a component's text: {@code {{1}}}, {@code {{2}}}, … */
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{(\\d+)}}");

    private final String accountId;
    private final Map<String, Template> byGuid = new LinkedHashMap<>();

    Templates(String accountId) {
        this.accountId = accountId;
    }

    synchronized List<Template> all() {
        return List.copyOf(byGuid.values());
    }

    synchronized Optional<Template> find(String guid) {
        return Optional.ofNullable(byGuid.get(guid));
    }

    /** Adds or replaces (by {@code templateGuid}). */
    synchronized void put(Template t) {
        byGuid.put(t.templateGuid(), t);
    }

    synchronized void replaceAll(List<Template> templates) {
        byGuid.clear();
        templates.forEach(t -> byGuid.put(t.templateGuid(), t));
    }

    /** Sets a known template's moderation status (§8.8); unknown guids are ignored. */
    synchronized void status(String guid, String status) {
        byGuid.computeIfPresent(guid, (k, t) -> t.withStatus(status));
    }

    /**
     * The seed of every account, on its WABA channel: two approved templates with variables, one
     * without, and one rejected.
     */
    synchronized void seed(List<String> wabaChannels) {
        byGuid.clear();
        Template.Waba waba = new Template.Waba(String.valueOf(100_000_000_000_000L
                + Math.floorMod(Ids.stableUuid(accountId + "/waba").hashCode(), 900_000_000)), "Emulator WABA");
        String namespace = Ids.stableUuid(accountId + "/namespace").replace('-', '_');
        put(seeded("order_confirmation", "Order confirmation", "UTILITY", "en", "approved", null, waba, namespace,
                wabaChannels, List.of(
                        new Component("HEADER", "TEXT", "Order confirmed", null, null),
                        new Component("BODY", null, "Hello, {{1}}! Your order {{2}} is confirmed. We will write when it ships.",
                                List.of("Anna", "A-1024"), null),
                        new Component("FOOTER", null, "Emulator Shop", null, null),
                        new Component("BUTTONS", null, null, null, List.of(
                                new Button("URL", "Track the order", "https://shop.example.com/orders"))))));
        put(seeded("thank_you", "Thank you", "MARKETING", "en", "approved", null, waba, namespace, wabaChannels,
                List.of(new Component("BODY", null, "Thank you for your purchase, {{1}}!", List.of("Anna"), null))));
        put(seeded("parcel_on_its_way", "Parcel on its way", "UTILITY", "en", "approved", null, waba, namespace,
                wabaChannels, List.of(new Component("BODY", null, "Your parcel is on its way.", null, null))));
        put(seeded("big_sale", "Big sale", "MARKETING", "en", "rejected", "PROMOTIONAL", waba, namespace, wabaChannels,
                List.of(new Component("BODY", null, "Everything at -90% today only, {{1}}!", List.of("Anna"), null))));
    }

    private Template seeded(String name, String title, String category, String language, String status,
            String rejectedReason, Template.Waba waba, String namespace, List<String> channels, List<Component> parts) {
        return new Template(Ids.stableUuid(accountId + "/template/" + name), accountId, title, name, waba, channels,
                category, language, status, rejectedReason, namespace, parts);
    }

    // ------------------------------------------------------------------ sends (§10.2, §10.4)

    /**
     * A template send's checks. §10.4 has no code for an unknown template, a non-WABA channel or a
     * wrong number of values: they are INVALID_MESSAGE_DATA naming the field ({@code templateId},
     * {@code templateValues}), the documented code for bad message fields; a template that is not
     * approved (rejected, pending, paused, disabled) is TEMPLATE_REJECTED, the only template-state code.
     */
    Template checkSend(Channel channel, MessageRules.TemplateRef ref, EmulatorOptions options) {
        if (!channel.transport().equals("wapi")) {
            throw MessageRules.invalid("templateId", "Templates are sent only through a WABA (wapi) channel");
        }
        Template t = find(ref.templateId())
                .orElseThrow(() -> MessageRules.invalid("templateId", "Unknown template " + ref.templateId()));
        if (!t.channels().isEmpty() && !t.channels().contains(channel.channelId())) {
            throw MessageRules.invalid("templateId", "The template does not belong to this channel's WABA");
        }
        if (!t.approved()) {
            throw ApiError.message("TEMPLATE_REJECTED", "The template is not approved: " + t.status(),
                    Map.of("templateId", t.templateGuid(), "status", String.valueOf(t.status())));
        }
        int expected = variables(t);
        if (ref.values().size() != expected) {
            throw MessageRules.invalid("templateValues", "The template has " + expected + " variables, "
                    + ref.values().size() + " values were given");
        }
        for (int i = 0; i < ref.values().size(); i++) {
            if (ref.values().get(i).isBlank()) {
                throw MessageRules.invalid("templateValues[" + i + "]", "A template value can not be blank");
            }
        }
        String header = filledHeader(t, ref.values());
        if (header != null && header.length() > MessageRules.WABA_HEADER_LIMIT) {
            throw ApiError.message("MESSAGES_TOO_LONG_WABA_HEADER", "Template header is too long: at most "
                    + MessageRules.WABA_HEADER_LIMIT + " characters", Map.of("maxLength", MessageRules.WABA_HEADER_LIMIT));
        }
        int limit = options.wabaTemplateTextLimit;
        if (filledBody(t, ref.values()).length() > limit) {
            throw ApiError.message("MESSAGES_TOO_LONG_WABA_TEMPLATE", "Template text is too long: at most " + limit
                    + " characters", Map.of("maxLength", limit));
        }
        return t;
    }

    /** A send's {@code templateValues}: an array of strings (numbers are taken as text). */
    static List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw MessageRules.invalid("templateValues", "templateValues must be an array of strings");
        }
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isValueNode() || node.get(i).isNull()) {
                throw MessageRules.invalid("templateValues[" + i + "]", "templateValues must be an array of strings");
            }
            out.add(node.get(i).asText());
        }
        return out;
    }

    // ------------------------------------------------------------------ variables

    /** How many values a send must carry: the header's variables, then the body's. */
    static int variables(Template t) {
        return indices(text(t, "HEADER")).size() + indices(text(t, "BODY")).size();
    }

    /** The header's text filled with the first values, or null when it has no text. */
    static String filledHeader(Template t, List<String> values) {
        String header = text(t, "HEADER");
        return header == null ? null : fill(header, values.subList(0, indices(header).size()));
    }

    /** The body's text filled with the values after the header's. */
    static String filledBody(Template t, List<String> values) {
        String body = text(t, "BODY");
        int skip = indices(text(t, "HEADER")).size();
        return body == null ? "" : fill(body, values.subList(Math.min(skip, values.size()), values.size()));
    }

    private static String text(Template t, String type) {
        Component c = t.component(type);
        return c == null ? null : c.text();
    }

    /** The variable numbers of a text, ascending. */
    private static TreeSet<Integer> indices(String text) {
        TreeSet<Integer> out = new TreeSet<>();
        if (text != null) {
            Matcher m = VARIABLE.matcher(text);
            while (m.find()) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        return out;
    }

    /** Replaces the i-th smallest variable number with the i-th value. */
    private static String fill(String text, List<String> values) {
        List<Integer> order = new ArrayList<>(indices(text));
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int i = order.indexOf(Integer.parseInt(m.group(1)));
            m.appendReplacement(out, Matcher.quoteReplacement(i < values.size() ? values.get(i) : m.group()));
        }
        return m.appendTail(out).toString();
    }

    // ------------------------------------------------------------------ JSON

    /** One template in the documented shape (§10.5); {@code rejected_reason} is always present. */
    static ObjectNode json(Template t) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("templateGuid", t.templateGuid());
        n.put("accountId", t.accountId());
        n.put("title", t.title());
        n.put("name", t.name());
        if (t.waba() != null) {
            n.putObject("waba").put("wabaId", t.waba().wabaId()).put("wabaName", t.waba().wabaName());
        }
        ArrayNode channels = n.putArray("channels");
        t.channels().forEach(channels::add);
        n.put("category", t.category());
        n.put("language", t.language());
        n.put("status", t.status());
        n.put("rejected_reason", t.rejectedReason());
        n.put("namespace", t.namespace());
        ArrayNode components = n.putArray("components");
        for (Component c : t.components()) {
            ObjectNode cn = components.addObject();
            cn.put("type", c.type());
            if (c.format() != null) {
                cn.put("format", c.format());
            }
            if (c.text() != null) {
                cn.put("text", c.text());
            }
            if (c.example() != null) {
                ArrayNode ex = cn.putArray("example");
                c.example().forEach(ex::add);
            }
            if (c.buttons() != null) {
                ArrayNode bs = cn.putArray("buttons");
                for (Button b : c.buttons()) {
                    ObjectNode bn = bs.addObject().put("type", b.type()).put("text", b.text());
                    if (b.url() != null) {
                        bn.put("url", b.url());
                    }
                }
            }
        }
        return n;
    }

    /**
     * A template from a control request: the documented shape, every field optional but
     * {@code name} and {@code components}; defaults: a stable guid from the name, this account, status
     * {@code approved}, the given WABA channels, language {@code en}, category {@code UTILITY}.
     */
    Template parse(JsonNode n, List<String> defaultChannels) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a template must be a JSON object");
        }
        String name = str(n, "name");
        if (name == null || !n.path("components").isArray()) {
            throw new IllegalArgumentException("a template needs 'name' and 'components'");
        }
        List<Component> components = new ArrayList<>();
        for (JsonNode c : n.get("components")) {
            String type = str(c, "type");
            if (type == null) {
                throw new IllegalArgumentException("every component needs a 'type' (HEADER, BODY, FOOTER, BUTTONS)");
            }
            List<Button> buttons = null;
            if (c.path("buttons").isArray()) {
                buttons = new ArrayList<>();
                for (JsonNode b : c.get("buttons")) {
                    buttons.add(new Button(str(b, "type"), str(b, "text"), str(b, "url")));
                }
            }
            components.add(new Component(type.toUpperCase(Locale.ROOT), str(c, "format"), str(c, "text"),
                    strings(c.get("example")), buttons));
        }
        List<String> channels = n.path("channels").isArray() ? strings(n.get("channels")) : defaultChannels;
        JsonNode w = n.get("waba");
        Template.Waba waba = w != null && w.isObject() ? new Template.Waba(str(w, "wabaId"), str(w, "wabaName"))
                : byGuid.values().stream().map(Template::waba).findFirst().orElse(null);
        String guid = str(n, "templateGuid");
        return new Template(guid != null ? guid : Ids.stableUuid(accountId + "/template/" + name),
                str(n, "accountId") != null ? str(n, "accountId") : accountId,
                str(n, "title") != null ? str(n, "title") : name, name, waba, channels,
                str(n, "category") != null ? str(n, "category") : "UTILITY",
                str(n, "language") != null ? str(n, "language") : "en",
                str(n, "status") != null ? str(n, "status") : "approved",
                str(n, "rejected_reason") != null ? str(n, "rejected_reason") : str(n, "rejectedReason"),
                str(n, "namespace"), components);
    }

    private static String str(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}
