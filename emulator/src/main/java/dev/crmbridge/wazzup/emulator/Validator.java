package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.emulator.model.Contact;
import dev.crmbridge.wazzup.emulator.model.ContactData;
import dev.crmbridge.wazzup.emulator.model.Deal;
import dev.crmbridge.wazzup.emulator.model.Pipeline;
import dev.crmbridge.wazzup.emulator.model.Stage;
import dev.crmbridge.wazzup.emulator.model.User;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns request JSON into model records by the field rules of §2–§5, collecting per-item errors as
 * {@code [{index, fields:[…]}]} (the reported shape of INVALID_CONTACTS_DATA).
 */
final class Validator {

    /** Batch cap of §1.5. */
    static final int MAX_BATCH = 100;


    /** Chat types whose chatId is a phone number: digits only (§1.9). */
    private static final Set<String> PHONE_CHAT_TYPES = Set.of("whatsapp", "viber");

    /** Field errors of one batch item. */
    record ItemError(int index, List<String> fields) {
    }

    /** Collects field errors of the item being validated. */
    static final class Errors {
        private final Map<Integer, List<String>> byIndex = new LinkedHashMap<>();
        private int index;

        void at(int i) {
            index = i;
        }

        void add(String field) {
            byIndex.computeIfAbsent(index, k -> new ArrayList<>()).add(field);
        }

        boolean any() {
            return !byIndex.isEmpty();
        }

        List<ItemError> list() {
            List<ItemError> out = new ArrayList<>();
            byIndex.forEach((i, f) -> out.add(new ItemError(i, List.copyOf(f))));
            return out;
        }
    }

    private Validator() {
    }

    // ---- batches

    static JsonNode batch(JsonNode body, String invalidCode, String entity) {
        if (body == null || !body.isArray()) {
            throw ApiError.of(400, invalidCode, "Request body must be an array of " + entity);
        }
        if (body.size() > MAX_BATCH) {
            throw ApiError.withData(400, "TOO_MANY_ENTITIES",
                    "Too many entities in one request: " + body.size() + ", at most " + MAX_BATCH,
                    Map.of("count", body.size(), "max", MAX_BATCH));
        }
        return body;
    }

    /** Wazzup answers 500 to two items with one id in a batch (§1.3, reported). */
    static void rejectDuplicateIds(List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw ApiError.of(500, "UNKNOWN_ERROR", "Internal server error");
            }
        }
    }

    static List<String> idList(JsonNode body, String invalidCode, int cap) {
        if (body == null || !body.isArray()) {
            throw ApiError.of(400, invalidCode, "Request body must be an array of ids");
        }
        if (cap > 0 && body.size() > cap) {
            throw ApiError.withData(400, "TOO_MANY_ENTITIES",
                    "Too many entities in one request: " + body.size() + ", at most " + cap,
                    Map.of("count", body.size(), "max", cap));
        }
        List<String> ids = new ArrayList<>();
        Errors errors = new Errors();
        for (int i = 0; i < body.size(); i++) {
            errors.at(i);
            JsonNode n = body.get(i);
            if (!n.isTextual() || n.asText().isEmpty()) {
                errors.add("id");
            } else {
                ids.add(n.asText());
            }
        }
        if (errors.any()) {
            throw ApiError.withData(400, invalidCode, "Invalid ids", errors.list());
        }
        return ids;
    }

    // ---- users (§2.1)

    static List<User> users(JsonNode body, EmulatorOptions options) {
        batch(body, "INVALID_USERS_DATA", "users");
        int idMax = options.strictUserLengths ? 64 : 200;
        int nameMax = options.strictUserLengths ? 150 : 200;
        Errors errors = new Errors();
        List<User> out = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            errors.at(i);
            JsonNode item = body.get(i);
            if (!item.isObject()) {
                errors.add("user");
                continue;
            }
            String id = required(item, "id", idMax, "id", errors);
            String name = required(item, "name", nameMax, "name", errors);
            // an invalid phone is silently dropped (§2.1)
            JsonNode p = item.get("phone");
            String phone = p != null && p.isTextual() && digits(p.asText()) ? p.asText() : null;
            out.add(new User(id, name, phone));
        }
        if (errors.any()) {
            throw ApiError.withData(400, "INVALID_USERS_DATA", "Users data is invalid", errors.list());
        }
        return out;
    }

    // ---- contacts (§3.1)

    static List<Contact> contacts(JsonNode body) {
        batch(body, "INVALID_CONTACTS_DATA", "contacts");
        Errors errors = new Errors();
        List<Contact> out = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            errors.at(i);
            out.add(contact(body.get(i), errors));
        }
        if (errors.any()) {
            throw ApiError.withData(400, "INVALID_CONTACTS_DATA", "Contacts data is invalid", errors.list());
        }
        return out;
    }

    /** One contact object; field errors go to {@code errors}. Returns null when it is not an object. */
    static Contact contact(JsonNode item, Errors errors) {
        if (item == null || !item.isObject()) {
            errors.add("contact");
            return null;
        }
        String id = required(item, "id", 100, "id", errors);
        String responsible = required(item, "responsibleUserId", 100, "responsibleUserId", errors);
        String name = required(item, "name", 200, "name", errors);
        String uri = optional(item, "uri", 200, "uri", errors);
        List<ContactData> data = contactData(item.get("contactData"), errors);
        return new Contact(id, responsible, name, data, uri);
    }

    private static List<ContactData> contactData(JsonNode node, Errors errors) {
        List<ContactData> out = new ArrayList<>();
        if (node == null || !node.isArray() || node.isEmpty()) {
            errors.add("contactData");
            return out;
        }
        for (int j = 0; j < node.size(); j++) {
            JsonNode d = node.get(j);
            String prefix = "contactData[" + j + "].";
            if (!d.isObject()) {
                errors.add("contactData[" + j + "]");
                continue;
            }
            String chatType = required(d, "chatType", 50, prefix + "chatType", errors);
            String chatId = optional(d, "chatId", 200, prefix + "chatId", errors);
            String username = optional(d, "username", 200, prefix + "username", errors);
            String phone = optional(d, "phone", 20, prefix + "phone", errors);
            if (chatType == null) {
                continue;
            }
            boolean telegram = chatType.equals("telegram");
            boolean max = chatType.equals("max");
            if (chatId == null) {
                boolean substitute = (telegram && (username != null || phone != null)) || (max && phone != null);
                if (!substitute) {
                    errors.add(prefix + "chatId");
                }
            } else if (PHONE_CHAT_TYPES.contains(chatType) && !digits(chatId)) {
                errors.add(prefix + "chatId");
            }
            if (username != null && username.startsWith("@")) {
                errors.add(prefix + "username");
            }
            if (phone != null && !digits(phone)) {
                errors.add(prefix + "phone");
            }
            out.add(new ContactData(chatType, chatId, telegram ? username : null, telegram || max ? phone : null));
        }
        return out;
    }

    // ---- deals (§4.1)

    static List<Deal> deals(JsonNode body, EmulatorOptions options) {
        batch(body, "INVALID_DEALS_DATA", "deals");
        Errors errors = new Errors();
        List<Deal> out = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            errors.at(i);
            out.add(deal(body.get(i), options, errors));
        }
        if (errors.any()) {
            throw ApiError.withData(400, "INVALID_DEALS_DATA", "Deals data is invalid", errors.list());
        }
        return out;
    }

    static Deal deal(JsonNode item, EmulatorOptions options, Errors errors) {
        if (item == null || !item.isObject()) {
            errors.add("deal");
            return null;
        }
        String id = required(item, "id", 100, "id", errors);
        String responsible = required(item, "responsibleUserId", 100, "responsibleUserId", errors);
        String name = required(item, "name", 200, "name", errors);
        String uri = options.requireDealUri ? required(item, "uri", 200, "uri", errors)
                : optional(item, "uri", 200, "uri", errors);
        List<String> contacts = new ArrayList<>();
        JsonNode c = item.get("contacts");
        if (c == null || !c.isArray() || c.isEmpty()) {
            errors.add("contacts");
        } else {
            for (int j = 0; j < c.size(); j++) {
                if (!c.get(j).isTextual() || c.get(j).asText().isEmpty()) {
                    errors.add("contacts[" + j + "]");
                } else {
                    contacts.add(c.get(j).asText());
                }
            }
            if (options.maxDealContacts > 0 && c.size() > options.maxDealContacts) {
                errors.add("contacts");
            }
        }
        JsonNode closed = item.get("closed");
        if (closed == null || !closed.isBoolean()) {
            errors.add("closed");
        }
        return new Deal(id, responsible, name, contacts, uri, closed != null && closed.asBoolean());
    }

    // ---- pipelines (§5)

    static List<Pipeline> pipelines(JsonNode body) {
        if (body == null || !body.isArray()) {
            throw ApiError.of(400, "INVALID_PIPELINES_DATA", "Request body must be an array of pipelines");
        }
        Errors errors = new Errors();
        List<Pipeline> out = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            errors.at(i);
            JsonNode item = body.get(i);
            if (!item.isObject()) {
                errors.add("pipeline");
                continue;
            }
            JsonNode idNode = item.get("id");
            String id = null;
            boolean numeric = false;
            if (idNode != null && (idNode.isTextual() || idNode.isNumber())) {
                id = idNode.asText();
                numeric = idNode.isNumber();
                if (id.isEmpty() || id.length() > 100) {
                    errors.add("id");
                }
            } else {
                errors.add("id");
            }
            String name = required(item, "name", 100, "name", errors);
            List<Stage> stages = null;
            JsonNode s = item.get("stages");
            if (s != null && !s.isNull()) {
                stages = new ArrayList<>();
                if (!s.isArray() || s.isEmpty()) {
                    // "present but empty [] → error" (§5)
                    errors.add("stages");
                } else {
                    for (int j = 0; j < s.size(); j++) {
                        JsonNode st = s.get(j);
                        if (!st.isObject()) {
                            errors.add("stages[" + j + "]");
                            continue;
                        }
                        JsonNode sid = st.get("id");
                        String stageId = sid != null && (sid.isTextual() || sid.isNumber()) ? sid.asText() : null;
                        if (stageId == null || stageId.isEmpty() || stageId.length() > 100) {
                            errors.add("stages[" + j + "].id");
                        }
                        String stageName = required(st, "name", 100, "stages[" + j + "].name", errors);
                        stages.add(new Stage(stageId, stageName));
                    }
                }
            }
            out.add(new Pipeline(id, numeric, name, stages));
        }
        if (errors.any()) {
            throw ApiError.withData(400, "INVALID_PIPELINES_DATA", "Pipelines data is invalid", errors.list());
        }
        return out;
    }

    // ---- fields

    /** A phone-style id: 5 to 20 ASCII digits. */
    static boolean digits(String s) {
        if (s.length() < 5 || s.length() > 20) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static String required(JsonNode item, String field, int max, String path, Errors errors) {
        JsonNode n = item.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank() || n.asText().length() > max) {
            errors.add(path);
            return n != null && n.isTextual() ? n.asText() : null;
        }
        return n.asText();
    }

    static String optional(JsonNode item, String field, int max, String path, Errors errors) {
        JsonNode n = item.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().length() > max) {
            errors.add(path);
            return null;
        }
        return n.asText().isEmpty() ? null : n.asText();
    }
}
