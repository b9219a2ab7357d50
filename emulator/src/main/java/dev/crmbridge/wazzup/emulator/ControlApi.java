package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.crmbridge.wazzup.emulator.model.Delivery;
import dev.crmbridge.wazzup.emulator.model.JournalEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's own JSON routes under {@value WazzupEmulator#CONTROL_PREFIX}: accounts, simulation of
 * what happens on Wazzup's side, fault injection, the journal, deliveries, options and time. They need
 * no API key (the emulator binds to loopback). The README lists them.
 */
final class ControlApi {

    private static final String P = WazzupEmulator.CONTROL_PREFIX;

    private final WazzupEmulator emulator;

    ControlApi(WazzupEmulator emulator) {
        this.emulator = emulator;
    }

    void register(Router r) {
        r.control("GET", P + "/health", req -> Resp.json(200, Map.of("ok", true)));
        r.control("GET", P + "/options", req -> Resp.json(200, emulator.options()));
        r.control("PUT", P + "/options", this::putOptions);
        r.control("POST", P + "/reset", req -> {
            emulator.reset();
            return Resp.empty(204);
        });
        r.control("POST", P + "/clock", req -> {
            long ms = body(req).path("advanceMillis").asLong(0);
            emulator.clock().advance(Duration.ofMillis(ms));
            return Resp.json(200, Map.of("now", Json.iso(emulator.clock().instant())));
        });

        r.control("GET", P + "/accounts", req -> Resp.json(200, emulator.accounts().stream().map(this::summary).toList()));
        r.control("POST", P + "/accounts", this::createAccount);
        r.control("GET", P + "/accounts/{acc}", req -> Resp.json(200, snapshot(account(req))));
        r.control("PUT", P + "/accounts/{acc}/settings", this::settings);

        r.control("POST", P + "/accounts/{acc}/customer-message", req -> {
            JsonNode b = body(req);
            return result(account(req).customerWrites(required(b, "chatType"), required(b, "chatId"),
                    optional(b, "channelId"), optional(b, "type"), optional(b, "text"), optional(b, "contentUri"),
                    optional(b, "name")));
        });
        r.control("POST", P + "/accounts/{acc}/manager-message", req -> {
            JsonNode b = body(req);
            return result(account(req).managerReplies(required(b, "userId"), required(b, "chatType"),
                    required(b, "chatId"), required(b, "text")));
        });
        r.control("POST", P + "/accounts/{acc}/no-reply-needed", req -> {
            JsonNode b = body(req);
            account(req).noReplyNeeded(required(b, "chatType"), required(b, "chatId"));
            return Resp.empty(204);
        });
        r.control("POST", P + "/accounts/{acc}/deals-dropdown-plus", req -> {
            JsonNode b = body(req);
            return result(account(req).dealsDropdownPlus(required(b, "userId"), required(b, "chatType"),
                    required(b, "chatId")));
        });
        r.control("POST", P + "/accounts/{acc}/message-status", req -> {
            JsonNode b = body(req);
            return result(account(req).messageStatus(required(b, "messageId"), required(b, "status"),
                    optional(b, "error"), optional(b, "description")));
        });
        r.control("POST", P + "/accounts/{acc}/channel-state", req -> {
            JsonNode b = body(req);
            return result(account(req).channelState(required(b, "channelId"), required(b, "state"),
                    optional(b, "qr"), optional(b, "tier")));
        });
        r.control("POST", P + "/accounts/{acc}/template-status", req -> {
            JsonNode b = body(req);
            return result(account(req).templateStatus(required(b, "templateGuid"), required(b, "name"),
                    required(b, "status")));
        });
        r.control("GET", P + "/accounts/{acc}/unanswered/{userId}", req ->
                Resp.json(200, account(req).unanswered(req.param("userId"))));

        r.control("GET", P + "/deliveries", req -> {
            String acc = req.queryParam("accountId");
            String kind = req.queryParam("kind");
            List<Delivery> list = emulator.deliveries(d -> (acc == null || acc.equals(d.accountId()))
                    && (kind == null || kind.equals(d.kind())));
            return Resp.json(200, list);
        });
        r.control("DELETE", P + "/deliveries", req -> {
            emulator.clearDeliveries();
            return Resp.empty(204);
        });

        r.control("GET", P + "/journal", req -> {
            String acc = req.queryParam("accountId");
            String route = req.queryParam("route");
            List<JournalEntry> list = emulator.journal().entries(e -> (acc == null || acc.equals(e.accountId()))
                    && (route == null || route.equals(e.route())));
            return Resp.json(200, list);
        });
        r.control("DELETE", P + "/journal", req -> {
            emulator.journal().clear();
            return Resp.empty(204);
        });

        r.control("GET", P + "/faults", req -> Resp.json(200, emulator.faults().pending()));
        r.control("POST", P + "/faults", this::addFault);
        r.control("DELETE", P + "/faults", req -> {
            emulator.faults().clear();
            return Resp.empty(204);
        });

        r.control("POST", P + "/marketplace/integrations", req -> {
            JsonNode b = body(req);
            Account owner = emulator.account(required(b, "ownerAccountId"))
                    .orElseThrow(() -> new IllegalArgumentException("unknown account"));
            emulator.marketplace().register(required(b, "crmCode"), optional(b, "authRedirectUri"),
                    required(b, "secret"), owner.id());
            return Resp.empty(204);
        });
        r.control("POST", P + "/marketplace/state", req -> {
            JsonNode b = body(req);
            return Resp.json(200, Map.of("state", emulator.marketplace().newState(required(b, "crmCode"),
                    required(b, "accountId"))));
        });
    }

    private Resp putOptions(Req req) throws IOException {
        ObjectReader updater = Json.MAPPER.readerForUpdating(emulator.options());
        updater.readValue(req.body);
        return Resp.json(200, emulator.options());
    }

    private Resp createAccount(Req req) {
        JsonNode b = req.body.length == 0 ? Json.MAPPER.createObjectNode() : body(req);
        String id = optional(b, "accountId");
        String key = optional(b, "apiKey");
        Account account = id == null ? emulator.createAccount()
                : key == null ? emulator.createAccount(id) : emulator.createAccount(id, key);
        if (optional(b, "sidecarKey") != null) {
            account.sidecarKey(optional(b, "sidecarKey"));
        }
        if (optional(b, "crmKey") != null) {
            account.crmKey(optional(b, "crmKey"));
        }
        return Resp.json(201, summary(account));
    }

    private Resp settings(Req req) {
        JsonNode b = body(req);
        Account account = account(req);
        JsonNode nc = b.path("newClients");
        if (nc.isObject()) {
            List<String> receivers = null;
            if (nc.path("receivers").isArray()) {
                receivers = new ArrayList<>();
                for (JsonNode n : nc.path("receivers")) {
                    receivers.add(n.asText());
                }
            }
            account.newClients(NewClientMode.valueOf(nc.path("mode").asText("IN_TURN")), receivers);
        }
        b.path("roles").fields().forEachRemaining(e -> account.role(e.getKey(), Role.valueOf(e.getValue().asText())));
        if (b.has("statusProgression")) {
            account.statusProgression(b.get("statusProgression").asBoolean(true));
        }
        if (b.has("crmKey")) {
            account.crmKey(b.get("crmKey").isNull() ? null : b.get("crmKey").asText());
        }
        return Resp.json(200, snapshot(account));
    }

    private Resp addFault(Req req) {
        JsonNode b = body(req);
        if (b.has("outageMillis")) {
            emulator.faults().outage(Duration.ofMillis(b.get("outageMillis").asLong()), b.path("status").asInt(503));
            return Resp.json(200, emulator.faults().pending());
        }
        Fault fault = new Fault(b.path("status").asInt(0), Duration.ofMillis(b.path("delayMillis").asLong(0)),
                b.path("drop").asBoolean(false), b.hasNonNull("body") ? b.get("body").asText() : null,
                b.path("loseAnswer").asBoolean(false));
        emulator.faults().next(b.path("route").asText(Faults.ANY_ROUTE), Math.max(1, b.path("times").asInt(1)), fault);
        return Resp.json(200, emulator.faults().pending());
    }

    private Map<String, Object> summary(Account a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accountId", a.id());
        m.put("apiKey", a.apiKey());
        m.put("sidecarKey", a.sidecarKey());
        m.put("crmKeySet", a.crmKey() != null);
        return m;
    }

    private Map<String, Object> snapshot(Account a) {
        Map<String, Object> m = summary(a);
        m.put("users", a.users());
        m.put("contacts", a.contacts());
        m.put("deals", a.deals());
        m.put("pipelines", a.pipelines());
        m.put("channels", a.channels());
        m.put("webhooks", a.webhooks());
        m.put("newClientMode", a.newClientMode());
        m.put("chats", a.chats());
        m.put("templates", a.templates().stream().map(Templates::json).toList());
        m.put("statusProgression", a.statusProgression());
        m.put("sendFailures", a.sendFailures());
        return m;
    }

    private static Resp result(Simulation s) {
        return Resp.json(200, s);
    }

    private Account account(Req req) {
        return emulator.account(req.param("acc")).orElseThrow(() -> ApiError.notFound("Account"));
    }

    static JsonNode body(Req req) {
        return req.json(ApiError.of(400, "BAD_REQUEST", "Body must be a JSON object"));
    }

    static String required(JsonNode b, String field) {
        String v = optional(b, field);
        if (v == null) {
            throw ApiError.of(400, "BAD_REQUEST", "Field '" + field + "' is required");
        }
        return v;
    }

    static String optional(JsonNode b, String field) {
        JsonNode n = b.get(field);
        return n == null || n.isNull() || n.asText().isEmpty() ? null : n.asText();
    }
}
