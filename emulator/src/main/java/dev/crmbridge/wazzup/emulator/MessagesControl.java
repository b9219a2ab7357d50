package dev.crmbridge.wazzup.emulator;

import static dev.crmbridge.wazzup.emulator.ControlApi.body;
import static dev.crmbridge.wazzup.emulator.ControlApi.optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.emulator.model.Chat;
import dev.crmbridge.wazzup.emulator.model.ChatMessage;
import dev.crmbridge.wazzup.emulator.model.Channel;
import dev.crmbridge.wazzup.emulator.model.Template;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Control routes of the messaging part under {@value WazzupEmulator#CONTROL_PREFIX}: what the
 * account's chats hold, its WABA templates, planned send failures and planned statuses.
 */
final class MessagesControl {

    private static final String P = WazzupEmulator.CONTROL_PREFIX + "/accounts/{acc}";

    private final WazzupEmulator emulator;

    MessagesControl(WazzupEmulator emulator) {
        this.emulator = emulator;
    }

    void register(Router r) {
        r.control("POST", P + "/channels", req -> {
            JsonNode b = body(req);
            return Resp.json(201, account(req).addChannel(ControlApi.required(b, "transport"),
                    optional(b, "plainId") == null ? "emulator-" + ControlApi.required(b, "transport") : optional(b, "plainId"),
                    optional(b, "state"), optional(b, "name")));
        });
        r.control("GET", P + "/chats", req -> Resp.json(200, account(req).chats()));
        r.control("GET", P + "/chats/{chatType}/{chatId}", req -> Resp.json(200,
                account(req).chat(req.param("chatType"), req.param("chatId")).orElseThrow(() -> ApiError.notFound("Chat"))));
        r.control("GET", P + "/messages", this::messages);
        r.control("GET", P + "/messages/{messageId}", req -> Resp.json(200,
                account(req).message(req.param("messageId")).orElseThrow(() -> ApiError.notFound("Message"))));

        r.control("GET", P + "/templates", req -> templates(account(req).templates()));
        r.control("POST", P + "/templates", req -> {
            Account account = account(req);
            List<Template> added = parse(account, body(req));
            added.forEach(account::putTemplate);
            return templates(added);
        });
        r.control("PUT", P + "/templates", req -> {
            Account account = account(req);
            JsonNode b = body(req);
            if (!b.isArray()) {
                throw new IllegalArgumentException("PUT takes the array of every template");
            }
            account.replaceTemplates(parse(account, b));
            return templates(account.templates());
        });

        r.control("GET", P + "/send-failures", req -> Resp.json(200, account(req).sendFailures()));
        r.control("POST", P + "/send-failures", req -> {
            JsonNode b = body(req);
            Account account = account(req);
            account.failSends(optional(b, "chatType"), optional(b, "chatId"), b.path("times").asInt(1),
                    optional(b, "error") == null ? "BAD_CONTACT" : optional(b, "error"), optional(b, "description"));
            return Resp.json(200, account.sendFailures());
        });
        r.control("DELETE", P + "/send-failures", req -> {
            account(req).clearSendFailures();
            return Resp.empty(204);
        });

        r.control("GET", P + "/statuses", req -> {
            Account account = account(req);
            List<Map<String, Object>> out = new ArrayList<>();
            for (StatusProgression.Step s : emulator.statuses().pending()) {
                if (s.account() == account) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("messageId", s.messageId());
                    m.put("status", s.status());
                    m.put("due", Json.iso(s.due()));
                    if (s.error() != null) {
                        m.put("error", s.error());
                    }
                    out.add(m);
                }
            }
            return Resp.json(200, out);
        });
    }

    /** Every message of the account, oldest first; {@code ?chatType=&chatId=&crmMessageId=} filter. */
    private Resp messages(Req req) {
        String chatType = req.queryParam("chatType");
        String chatId = req.queryParam("chatId");
        String crmMessageId = req.queryParam("crmMessageId");
        List<ChatMessage> out = new ArrayList<>();
        for (Chat c : account(req).chats()) {
            if ((chatType == null || chatType.equals(c.chatType())) && (chatId == null || chatId.equals(c.chatId()))) {
                c.messages().stream().filter(m -> crmMessageId == null || crmMessageId.equals(m.crmMessageId()))
                        .forEach(out::add);
            }
        }
        out.sort(Comparator.comparing(ChatMessage::dateTime)); // stable: a chat's order kept at equal times
        return Resp.json(200, out);
    }

    private static List<Template> parse(Account account, JsonNode b) {
        List<String> waba = account.channels().stream().filter(c -> c.transport().equals("wapi"))
                .map(Channel::channelId).toList();
        List<Template> out = new ArrayList<>();
        if (b.isArray()) {
            b.forEach(t -> out.add(account.templateStore().parse(t, waba)));
        } else {
            out.add(account.templateStore().parse(b, waba));
        }
        return out;
    }

    private static Resp templates(List<Template> list) {
        return Resp.json(200, list.stream().map(Templates::json).toList());
    }

    private Account account(Req req) {
        return emulator.account(req.param("acc")).orElseThrow(() -> ApiError.notFound("Account"));
    }
}
