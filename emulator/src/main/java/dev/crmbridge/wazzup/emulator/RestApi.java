package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crmbridge.wazzup.emulator.model.Channel;
import dev.crmbridge.wazzup.emulator.model.ContactData;
import dev.crmbridge.wazzup.emulator.model.Template;
import dev.crmbridge.wazzup.emulator.model.Delivery;
import dev.crmbridge.wazzup.emulator.model.User;
import dev.crmbridge.wazzup.emulator.model.WebhookSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The REST routes of API v3 (§2–§10 of the reference). */
final class RestApi {

    /**
     * Routes a sidecar key may use (§1.2); others answer 403. Editing and deleting messages are not in
     * the documented list, so a sidecar key may not.
     */
    static final Set<String> SIDECAR_ROUTES = Set.of("GET /v3/channels", "POST /v3/message", "GET /v3/webhooks",
            "PATCH /v3/webhooks", "GET /v3/templates/whatsapp");

    private static final int PAGE = 100;

    private final WazzupEmulator emulator;

    RestApi(WazzupEmulator emulator) {
        this.emulator = emulator;
    }

    void register(Router r) {
        r.api("GET", "/v3/users", this::listUsers);
        r.api("GET", "/v3/users/{id}", req -> Resp.json(200, req.account.user(req.param("id"))
                .orElseThrow(() -> ApiError.notFound("User"))));
        r.api("POST", "/v3/users", this::upsertUsers);
        r.api("DELETE", "/v3/users/{id}", req -> deleted(req.account.deleteUser(req.param("id")), "User"));
        r.api("PATCH", "/v3/users/bulk_delete", req -> bulkDeleted(req.account.deleteUsers(
                Validator.idList(req.json(invalid("INVALID_USERS_DATA")), "INVALID_USERS_DATA",
                        emulator.options().capUsersBulkDelete ? Validator.MAX_BATCH : 0))));

        r.api("POST", "/v3/contacts", this::upsertContacts);
        r.api("GET", "/v3/contacts", req -> page(req, req.account.contacts(), Listings::contacts));
        r.api("GET", "/v3/contacts/{id}", req -> Resp.json(200, req.account.contact(req.param("id"))
                .orElseThrow(() -> ApiError.notFound("Contact"))));
        r.api("DELETE", "/v3/contacts/{id}", req -> deleted(req.account.deleteContact(req.param("id")), "Contact"));
        r.api("PATCH", "/v3/contacts/bulk_delete", req -> bulkDeleted(req.account.deleteContacts(
                Validator.idList(req.json(invalid("INVALID_CONTACTS_DATA")), "INVALID_CONTACTS_DATA", Validator.MAX_BATCH))));

        r.api("POST", "/v3/deals", this::upsertDeals);
        r.api("GET", "/v3/deals", req -> page(req, req.account.deals(), Listings::deals));
        r.api("GET", "/v3/deals/{id}", req -> Resp.json(200, req.account.deal(req.param("id"))
                .orElseThrow(() -> ApiError.notFound("Deal"))));
        r.api("DELETE", "/v3/deals/{id}", req -> deleted(req.account.deleteDeal(req.param("id")), "Deal"));
        r.api("PATCH", "/v3/deals/bulk_delete", req -> bulkDeleted(req.account.deleteDeals(
                Validator.idList(req.json(invalid("INVALID_DEALS_DATA")), "INVALID_DEALS_DATA", Validator.MAX_BATCH))));

        r.api("POST", "/v3/pipelines", req -> {
            req.account.uploadPipelines(Validator.pipelines(req.json(invalid("INVALID_PIPELINES_DATA"))));
            return written();
        });
        r.api("GET", "/v3/pipelines", req -> Resp.json(200, req.account.pipelines()));

        r.api("POST", "/v3/iframe", this::iframe);
        r.api("GET", "/v3/unanswered/{userId}", this::unanswered);

        r.api("PATCH", "/v3/webhooks", this::patchWebhooks);
        r.api("GET", "/v3/webhooks", this::getWebhooks);

        r.api("GET", "/v3/channels", this::channels);
        r.api("POST", "/v3/message", this::sendMessage);
        r.api("PATCH", "/v3/message/{messageId}", req -> {
            req.account.messaging().edit(req.param("messageId"), messageBody(req), req.sidecar);
            return written();
        });
        r.api("DELETE", "/v3/message/{messageId}", req -> {
            req.account.messaging().delete(req.param("messageId"));
            return written();
        });
        r.api("GET", "/v3/templates/whatsapp", this::templates);

        r.api("POST", "/v3/marketplace", this::registerMarketplace);
        r.api("POST", "/v3/connect", this::connect);
    }

    /**
     * The answer to an accepted write: empty (§1.3: "may return an empty body"), or with
     * {@code oddWriteAnswers} 201 and the non-JSON {@code { ok }} some Wazzup routes send.
     */
    private Resp written() {
        return emulator.options().oddWriteAnswers ? Resp.raw(201, "application/json", "{ ok }") : Resp.empty(200);
    }

    /** §3.5 [SEC]: the ids Wazzup did not know; with {@code oddWriteAnswers} an object instead of an array. */
    private Resp bulkDeleted(Object unknownIds) {
        return emulator.options().oddWriteAnswers ? Resp.json(200, Map.of("result", "ok")) : Resp.json(200, unknownIds);
    }

    private static ApiError invalid(String code) {
        return ApiError.of(400, code, "Request body is not valid JSON");
    }

    private static Resp deleted(boolean existed, String what) {
        if (!existed) {
            throw ApiError.notFound(what);
        }
        return Resp.empty(200);
    }

    // ---- users (§2)

    private Resp listUsers(Req req) {
        List<User> sorted = req.account.users().stream()
                .sorted(Comparator.comparing(User::name).thenComparing(User::id))
                .map(u -> new User(u.id(), u.name(), null)) // list items are {id, name}
                .toList();
        if (emulator.options().usersListShape == EmulatorOptions.UsersListShape.ARRAY) {
            return Resp.json(200, sorted);
        }
        int offset = offset(req);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", String.valueOf(sorted.size())); // a string in the docs' sample
        body.put("data", sorted.subList(Math.min(offset, sorted.size()), Math.min(offset + PAGE, sorted.size())));
        return Resp.json(200, body);
    }

    private Resp upsertUsers(Req req) {
        List<User> users = Validator.users(req.json(invalid("INVALID_USERS_DATA")), emulator.options());
        Validator.rejectDuplicateIds(users.stream().map(User::id).toList());
        req.account.upsertUsers(users);
        return written();
    }

    // ---- contacts and deals (§3, §4)

    private Resp upsertContacts(Req req) {
        var contacts = Validator.contacts(req.json(invalid("INVALID_CONTACTS_DATA")));
        Validator.rejectDuplicateIds(contacts.stream().map(c -> c.id()).toList());
        req.account.upsertContacts(contacts);
        return written();
    }

    private Resp upsertDeals(Req req) {
        var deals = Validator.deals(req.json(invalid("INVALID_DEALS_DATA")), emulator.options());
        Validator.rejectDuplicateIds(deals.stream().map(d -> d.id()).toList());
        req.account.upsertDeals(deals);
        return written();
    }

    private Resp page(Req req, List<?> all, java.util.function.Function<List<?>, Object> varied) {
        int offset = offset(req);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", all.size());
        List<?> data = all.subList(Math.min(offset, all.size()), Math.min(offset + PAGE, all.size()));
        body.put("data", emulator.options().variedListings ? varied.apply(data) : data);
        return Resp.json(200, body);
    }

    /** The request's offset; 0 when the server is to ignore it ({@code ignoreListOffset}). */
    private int offset(Req req) {
        int offset = requestedOffset(req);
        return emulator.options().ignoreListOffset ? 0 : offset;
    }

    private static int requestedOffset(Req req) {
        return nonNegative(req, "offset", 0);
    }

    // ---- chat window (§6)

    private Resp iframe(Req req) {
        JsonNode body = req.json(ApiError.of(400, "VALIDATION_ERROR", "Request body is not valid JSON"));
        List<String> fields = new ArrayList<>();
        JsonNode user = body.path("user");
        String userId = user.path("id").isTextual() && !user.path("id").asText().isBlank() ? user.path("id").asText() : null;
        if (userId == null) {
            fields.add("user.id");
        }
        String userName = user.path("name").isTextual() && !user.path("name").asText().isBlank()
                ? user.path("name").asText() : null;
        if (userName == null && emulator.options().requireIframeUserName) {
            fields.add("user.name");
        }
        String scope = body.path("scope").asText("");
        if (!scope.equals("global") && !scope.equals("card")) {
            fields.add("scope");
        }
        List<ContactData> filter = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        JsonNode f = body.get("filter");
        if (scope.equals("card")) {
            if (f == null || !f.isArray() || f.isEmpty()) {
                fields.add("filter");
            } else {
                for (int i = 0; i < f.size(); i++) {
                    ContactData d = handle(f.get(i), "filter[" + i + "].", fields);
                    if (d != null) {
                        filter.add(d);
                        String chatId = firstNonNull(d.chatId(), d.username(), d.phone());
                        if (f.get(i).path("name").isTextual()) {
                            names.put(Account.chatKey(d.chatType(), chatId), f.get(i).path("name").asText());
                        }
                    }
                }
            }
        }
        ContactData active = null;
        String activeChannel = null;
        JsonNode a = body.get("activeChat");
        if (a != null && !a.isNull()) {
            active = handle(a, "activeChat.", fields);
            activeChannel = a.path("channelId").isTextual() ? a.path("channelId").asText() : null;
        }
        if (!fields.isEmpty()) {
            throw ApiError.withData(400, "VALIDATION_ERROR", "Request data is invalid", Map.of("fields", fields));
        }
        if (userName == null && req.account.user(userId).isEmpty()) {
            throw ApiError.withData(400, "VALIDATION_ERROR", "Unknown user: upload it or send user.name",
                    Map.of("fields", List.of("user.name")));
        }
        req.account.ensureChats(filter, names);
        JsonNode options = body.path("options");
        String token = Ids.token();
        emulator.newIframeSession(new IframeSession(token, req.account.id(), userId,
                userName != null ? userName : req.account.user(userId).map(User::name).orElse(userId), scope, filter,
                active, activeChannel, options.path("useDealsEvents").asBoolean(false),
                options.path("useMessageEvents").asBoolean(false), options.path("clientType").asText(null),
                emulator.clock().instant()));
        return Resp.json(200, Map.of("url", emulator.baseUrl() + WazzupEmulator.CONTROL_PREFIX + "/chat/" + token));
    }

    private static ContactData handle(JsonNode n, String prefix, List<String> fields) {
        if (n == null || !n.isObject()) {
            fields.add(prefix.substring(0, prefix.length() - 1));
            return null;
        }
        String chatType = n.path("chatType").isTextual() ? n.path("chatType").asText() : null;
        String chatId = n.path("chatId").isTextual() ? n.path("chatId").asText() : null;
        String username = n.path("username").isTextual() ? n.path("username").asText() : null;
        String phone = n.path("phone").isTextual() ? n.path("phone").asText() : null;
        if (chatType == null || chatType.isBlank()) {
            fields.add(prefix + "chatType");
            return null;
        }
        if (chatId == null && !(chatType.equals("telegram") && (username != null || phone != null))) {
            fields.add(prefix + "chatId");
            return null;
        }
        return new ContactData(chatType, chatId, username, phone);
    }

    private Resp unanswered(Req req) {
        Unanswered u = req.account.unanswered(req.param("userId"));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("counterV2", u.counterV2());
        body.put("counter", u.counterV2()); // legacy field some clients read (§7.2)
        body.put("type", u.type()); // null when 0
        body.put("lastMsgDateTime", Json.iso(u.lastMsgDateTime()));
        return Resp.json(200, body);
    }

    // ---- webhooks (§8.1, §8.2)

    private Resp patchWebhooks(Req req) {
        JsonNode body = req.json(ApiError.of(400, "uriNotValid", "Provided URI is not valid URI"));
        JsonNode u = body.get("webhooksUri");
        String uri = u != null && u.isTextual() ? u.asText().trim() : null;
        if (!validWebhookUri(uri)) {
            throw ApiError.of(400, "uriNotValid", "Provided URI is not valid URI");
        }
        JsonNode s = body.path("subscriptions");
        WebhookSettings settings = new WebhookSettings(uri, flag(s, "messagesAndStatuses"),
                flag(s, "contactsAndDealsCreation"), flag(s, "channelsUpdates"),
                flag(s, "templateStatus") || flag(s, "wabaTemplatesStatus"));
        ObjectNode probe = Json.MAPPER.createObjectNode().put("test", true);
        Delivery d = emulator.post(req.account, "test", uri, probe, null);
        if (d.status() != 200) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("status", d.status() == 0 ? null : d.status());
            if (d.error() != null) {
                data.put("error", d.error());
            }
            throw ApiError.withData(400, "testPostNotPassed", "URI does not return 200 OK on test request", data);
        }
        req.account.webhooks(settings);
        // the docs show this non-JSON body; clients must treat any 2xx as success (§8.1)
        return Resp.raw(200, Resp.JSON, "{ ok }");
    }

    static boolean validWebhookUri(String uri) {
        if (uri == null || uri.isEmpty() || uri.length() > 200) {
            return false;
        }
        try {
            URI parsed = new URI(uri);
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && parsed.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean flag(JsonNode subscriptions, String name) {
        JsonNode n = subscriptions.get(name);
        return n != null && (n.isBoolean() ? n.asBoolean() : "true".equalsIgnoreCase(n.asText()));
    }

    private Resp getWebhooks(Req req) {
        WebhookSettings w = req.account.webhooks();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("webhooksUri", w.uri());
        ObjectNode s = body.putObject("subscriptions");
        if (emulator.options().liveShapes) {
            s.put("messagesAndStatuses", w.messagesAndStatuses());
            s.put("contactsAndDealsCreation", w.contactsAndDealsCreation());
            s.put("channelsUpdates", w.channelsUpdates());
            s.put("wabaTemplatesStatus", w.templateStatus());
        } else {
            // as the docs show it: flags as strings (§8.2)
            s.put("messagesAndStatuses", String.valueOf(w.messagesAndStatuses()));
            s.put("contactsAndDealsCreation", String.valueOf(w.contactsAndDealsCreation()));
            s.put("channelsUpdates", String.valueOf(w.channelsUpdates()));
            s.put("templateStatus", String.valueOf(w.templateStatus()));
        }
        return Resp.json(200, body);
    }

    // ---- channels and messages (§10)

    private Resp channels(Req req) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Channel c : req.account.channels()) {
            ObjectNode n = out.addObject();
            n.put("channelId", c.channelId());
            n.put("transport", c.transport());
            n.put("plainId", c.plainId());
            n.put("state", c.state());
            if (emulator.options().liveShapes) {
                n.put("name", c.name());
            }
        }
        return Resp.json(200, out);
    }

    private Resp sendMessage(Req req) {
        Messaging.Sent sent = req.account.messaging().send(messageBody(req), req.sidecar);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("messageId", sent.messageId());
        out.put("chatId", sent.chatId());
        return Resp.json(201, out);
    }

    private static JsonNode messageBody(Req req) {
        return req.json(ApiError.message("INVALID_MESSAGE_DATA", "Message data is invalid", null));
    }

    /**
     * §10.5: a page of the account's templates, as a plain array (the reference lists the items and
     * no envelope).
     */
    private Resp templates(Req req) {
        int limit = nonNegative(req, "limit", 100);
        int offset = nonNegative(req, "offset", 0);
        List<Template> all = req.account.templates();
        ArrayNode out = Json.MAPPER.createArrayNode();
        all.subList(Math.min(offset, all.size()), (int) Math.min((long) offset + limit, all.size()))
                .forEach(t -> out.add(Templates.json(t)));
        return Resp.json(200, out);
    }

    private static int nonNegative(Req req, String name, int fallback) {
        String text = req.queryParam(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiError.withData(400, "VALIDATION_ERROR", name + " must be a non-negative integer",
                    Map.of("fields", List.of(name)));
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    // ---- WAuth (§9)

    private Resp registerMarketplace(Req req) {
        JsonNode body = req.json(ApiError.of(400, "VALIDATION_ERROR", "Request body is not valid JSON"));
        String uri = body.path("authRedirectUri").asText("");
        if (!uri.isEmpty() && !validWebhookUri(uri)) {
            throw ApiError.withData(400, "VALIDATION_ERROR", "authRedirectUri is not a valid URI",
                    Map.of("fields", List.of("authRedirectUri")));
        }
        emulator.marketplace().register(text(body, "crmCode"), uri, text(body, "secret"), req.account.id());
        return Resp.empty(200);
    }

    /**
     * {@code POST /v3/connect/}: {@code {state, secret, crmKey?}} → {@code {"apiKey": "…"}}. The
     * response field name is this emulator's choice (the reference could not confirm it). With
     * {@code ignoreConnectCrmKey} the crmKey is dropped, so webhooks carry no {@code Authorization}.
     */
    private Resp connect(Req req) {
        JsonNode body = req.json(ApiError.of(400, "VALIDATION_ERROR", "Request body is not valid JSON"));
        Marketplace.Claims claims = emulator.marketplace().verify(text(body, "state"));
        Marketplace.Integration integration = emulator.marketplace().integration(claims.crmCode())
                .orElseThrow(() -> ApiError.of(400, "INVALID_STATE", "state names an unknown integration"));
        String secret = text(body, "secret");
        if (secret == null || !java.security.MessageDigest.isEqual(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                integration.secret().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw ApiError.of(400, "INVALID_SECRET", "secret does not match the integration");
        }
        Account account = emulator.account(claims.accountId())
                .orElseThrow(() -> ApiError.of(400, "NO_SUCH_ACCOUNT", "The account of this state no longer exists"));
        if (!emulator.marketplace().consume(claims)) {
            throw ApiError.of(400, "STATE_ALREADY_USED", "state has already been used");
        }
        String crmKey = text(body, "crmKey");
        if (crmKey != null && !emulator.options().ignoreConnectCrmKey) {
            account.crmKey(crmKey);
        }
        req.account = account;
        return Resp.json(200, Map.of("apiKey", account.apiKey()));
    }
}
