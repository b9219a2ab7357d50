package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The stateless rules of the message routes (§10.2–§10.4): text limits, buttons, the template text form. */
final class MessageRules {

    /** A text limit and the code a longer text gets. */
    record Limit(int max, String code) {
    }

    /**
     * Text limits by channel transport (§10.2), each with its §10.4 code. Where the reference gives two
     * figures the newest pages' one is taken: WABA 1,024 (older EN page: 4,096); VK 1,000 (the error
     * table says 4,096). Transports the reference names no limit for have none here.
     */
    private static final Map<String, Limit> TEXT_LIMITS = Map.of(
            "whatsapp", new Limit(10_000, "MESSAGE_TEXT_TOO_LONG"),
            "wapi", new Limit(1_024, "MESSAGES_TOO_LONG_WABA"),
            "instagram", new Limit(1_000, "MESSAGES_TOO_LONG_INSTAGRAM"),
            "tgapi", new Limit(4_096, "MESSAGES_TOO_LONG_TELEGRAM"),
            "telegram", new Limit(4_096, "MESSAGES_TOO_LONG_TELEGRAM"),
            "max", new Limit(4_096, "MESSAGE_TEXT_TOO_LONG"),
            "maxbot", new Limit(4_096, "MESSAGE_TEXT_TOO_LONG"),
            "vk", new Limit(1_000, "MESSAGES_TOO_LONG_VK"),
            "avito", new Limit(1_000, "MESSAGES_TOO_LONG_AVITO"),
            "viber", new Limit(6_999, "MESSAGES_TOO_LONG_VIBER"));

    /** §10.4: a WABA template's header text. */
    static final int WABA_HEADER_LIMIT = 60;

    /** {@code @template: <guid> { [[value1]]; [[value2]] }} (§10.2). */
    private static final Pattern TEMPLATE_TEXT =
            Pattern.compile("\\s*@template:\\s*([^\\s{]+)\\s*(?:\\{(.*)})?\\s*", Pattern.DOTALL);
    private static final Pattern TEMPLATE_VALUE = Pattern.compile("\\[\\[(.*?)]]", Pattern.DOTALL);

    private static final Set<String> MAX_BOT_BUTTON_TYPES = Set.of("callback", "link", "message");

    private MessageRules() {
    }

    /** Refuses a text over its transport's limit. */
    static void checkLength(String transport, String text) {
        Limit limit = TEXT_LIMITS.get(transport);
        if (limit != null && text.length() > limit.max()) {
            throw ApiError.message(limit.code(), "Text is too long: at most " + limit.max() + " characters",
                    Map.of("maxLength", limit.max()));
        }
    }

    /** A template reference: the guid and the values. */
    record TemplateRef(String templateId, List<String> values) {
    }

    /** Whether a text is the template form (§10.2). */
    static boolean isTemplateText(String text) {
        return text != null && text.stripLeading().startsWith("@template:");
    }

    /** Parses {@code @template: <guid> { [[v1]]; [[v2]] }}; a malformed one is INVALID_MESSAGE_DATA on {@code text}. */
    static TemplateRef parseTemplateText(String text) {
        Matcher m = TEMPLATE_TEXT.matcher(text);
        if (!m.matches()) {
            throw invalid("text", "A template text is \"@template: <templateGuid> { [[value1]]; [[value2]] }\"");
        }
        List<String> values = new ArrayList<>();
        if (m.group(2) != null) {
            Matcher v = TEMPLATE_VALUE.matcher(m.group(2));
            while (v.find()) {
                values.add(v.group(1));
            }
        }
        return new TemplateRef(m.group(1), values);
    }

    /**
     * The {@code buttonsObject} checks (§10.2), as far as the reference states them: an object whose
     * {@code buttons} is a list (rows of lists for bots) of objects with a text; {@code replyMarkup}
     * {@code inline} or {@code reply}; on WABA at most 10 buttons of type {@code text} with texts of at
     * most 20; on a Telegram bot texts of at most 64; on a MAX bot the types {@code callback},
     * {@code link}, {@code message}. Other transports are not refused (the reference does not say they
     * are). Every violation is INVALID_MESSAGE_DATA with the field's path in {@code data.fields}.
     *
     * @return whether the object carries at least one button
     */
    static boolean checkButtons(JsonNode buttonsObject, String transport) {
        if (buttonsObject == null || buttonsObject.isNull()) {
            return false;
        }
        if (!buttonsObject.isObject()) {
            throw invalid("buttonsObject", "buttonsObject must be an object");
        }
        JsonNode markup = buttonsObject.get("replyMarkup");
        if (markup != null && !markup.isNull() && !Set.of("inline", "reply").contains(markup.asText())) {
            throw invalid("buttonsObject.replyMarkup", "replyMarkup is inline or reply");
        }
        JsonNode buttons = buttonsObject.get("buttons");
        if (buttons == null || buttons.isNull()) {
            if (buttonsObject.path("removeKeyboard").asBoolean(false)) {
                return false;
            }
            throw invalid("buttonsObject.buttons", "buttonsObject needs buttons");
        }
        if (!buttons.isArray()) {
            throw invalid("buttonsObject.buttons", "buttons must be an array");
        }
        List<String> paths = new ArrayList<>();
        List<JsonNode> flat = new ArrayList<>();
        for (int i = 0; i < buttons.size(); i++) {
            JsonNode b = buttons.get(i);
            if (b.isArray()) { // a row of a bot keyboard
                for (int j = 0; j < b.size(); j++) {
                    paths.add("buttonsObject.buttons[" + i + "][" + j + "]");
                    flat.add(b.get(j));
                }
            } else {
                paths.add("buttonsObject.buttons[" + i + "]");
                flat.add(b);
            }
        }
        if (flat.isEmpty()) {
            throw invalid("buttonsObject.buttons", "buttons is empty");
        }
        if (transport.equals("wapi") && flat.size() > 10) {
            throw invalid("buttonsObject.buttons", "WABA allows at most 10 buttons");
        }
        for (int i = 0; i < flat.size(); i++) {
            JsonNode b = flat.get(i);
            String path = paths.get(i);
            if (!b.isObject()) {
                throw invalid(path, "a button must be an object");
            }
            String text = b.path("text").isTextual() ? b.path("text").asText() : "";
            if (text.isBlank()) {
                throw invalid(path + ".text", "a button needs a text");
            }
            String type = b.path("type").isTextual() ? b.path("type").asText().toLowerCase(Locale.ROOT) : null;
            switch (transport) {
                case "wapi" -> {
                    if (text.length() > 20) {
                        throw invalid(path + ".text", "WABA button texts are at most 20 characters");
                    }
                    if (type != null && !type.equals("text")) {
                        throw invalid(path + ".type", "WABA buttons are of type text");
                    }
                }
                case "telegram" -> {
                    if (text.length() > 64) {
                        throw invalid(path + ".text", "Telegram bot button texts are at most 64 characters");
                    }
                }
                case "maxbot" -> {
                    if (type != null && !MAX_BOT_BUTTON_TYPES.contains(type)) {
                        throw invalid(path + ".type", "MAX bot buttons are callback, link or message");
                    }
                }
                default -> {
                    // no documented rule
                }
            }
        }
        return true;
    }

    /** The message type of a file by its name (§8.4 types); {@code document} when unknown. */
    static String contentType(String uri) {
        String path = uri.toLowerCase(Locale.ROOT);
        int q = path.indexOf('?');
        path = q < 0 ? path : path.substring(0, q);
        if (path.matches(".*\\.(png|jpe?g|gif|webp|was)$")) {
            return "image";
        }
        if (path.matches(".*\\.(mp4|mov|avi|webm|3gp)$")) {
            return "video";
        }
        if (path.matches(".*\\.(mp3|ogg|oga|opus|wav|m4a|aac)$")) {
            return "audio";
        }
        return "document";
    }

    static ApiError invalid(String field, String description) {
        return ApiError.message("INVALID_MESSAGE_DATA", description, Map.of("fields", List.of(field)));
    }
}
