package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.model.ChatHandle;
import dev.crmbridge.wazzup.api.model.CrmContact;
import dev.crmbridge.wazzup.api.model.CrmDeal;
import dev.crmbridge.wazzup.api.model.CrmUser;
import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.model.Stage;
import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.client.WzChatHandle;
import dev.crmbridge.wazzup.internal.client.WzContact;
import dev.crmbridge.wazzup.internal.client.WzDeal;
import dev.crmbridge.wazzup.internal.client.WzPipeline;
import dev.crmbridge.wazzup.internal.client.WzStage;
import dev.crmbridge.wazzup.internal.client.WzUser;
import dev.crmbridge.wazzup.internal.store.Refs;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps the CRM's records to what Wazzup holds (§2–§5 of the reference), and hashes the result: a
 * change the hash does not see costs no request. Lengths are kept within Wazzup's limits (names cut,
 * an over-long optional link left out); chat handles normalised and de-duplicated.
 */
public final class Payloads {

    static final int USER_NAME_MAX = 150;
    static final int NAME_MAX = 200;
    static final int URI_MAX = 200;
    static final int PIPELINE_NAME_MAX = 100;

    /** Chat types whose chat id is a phone number. */
    private static final Set<String> PHONE_CHAT_TYPES = Set.of(ChatHandle.TYPE_WHATSAPP, ChatHandle.TYPE_VIBER);

    private final PhoneRules phones;

    public Payloads(PhoneRules phones) {
        this.phones = phones;
    }

    public WzUser user(CrmUser u) {
        return new WzUser(u.id(), cut(u.name(), USER_NAME_MAX), phones.normalize(u.phone()));
    }

    /** The contact as Wazzup holds it, or null when it has no usable chat handle (Wazzup needs one). */
    public WzContact contact(CrmContact c) {
        Map<String, WzChatHandle> handles = new LinkedHashMap<>();
        for (ChatHandle h : c.chats()) {
            WzChatHandle w = handle(h);
            if (w != null) {
                handles.putIfAbsent(w.chatType() + "\u0000" + w.chatId() + "\u0000" + w.username() + "\u0000" + w.phone(), w);
            }
        }
        if (handles.isEmpty()) {
            return null;
        }
        String uri = c.uri() == null || c.uri().isBlank() || c.uri().length() > URI_MAX ? null : c.uri();
        return new WzContact(c.id(), c.responsibleUserId(), cut(c.name(), NAME_MAX), new ArrayList<>(handles.values()), uri);
    }

    /** One handle in Wazzup's form, or null when nothing usable is left. */
    public WzChatHandle handle(ChatHandle h) {
        String type = h.chatType().trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            return null;
        }
        String chatId = blankToNull(h.chatId());
        String username = blankToNull(h.username());
        String phone = null;
        if (PHONE_CHAT_TYPES.contains(type)) {
            chatId = phones.normalize(chatId);
            return chatId == null ? null : WzChatHandle.of(type, chatId);
        }
        if (type.equals(ChatHandle.TYPE_TELEGRAM) || type.equals(ChatHandle.TYPE_MAX)) {
            phone = phones.normalize(h.phone());
        }
        if (username != null && username.startsWith("@")) {
            username = username.substring(1);
        }
        if (type.equals(ChatHandle.TYPE_INSTAGRAM) && chatId != null && chatId.startsWith("@")) {
            chatId = chatId.substring(1);
        }
        if (!type.equals(ChatHandle.TYPE_TELEGRAM)) {
            username = null;
        }
        if (chatId == null && username == null && phone == null) {
            return null;
        }
        return new WzChatHandle(type, chatId, username, phone);
    }

    public WzDeal deal(CrmDeal d) {
        List<String> contacts = d.contactIds().stream().distinct().toList();
        return new WzDeal(d.id(), d.responsibleUserId(), cut(d.name(), NAME_MAX), contacts, d.uri(), d.closed());
    }

    /** The whole set of pipelines, sorted by id so that the hash does not depend on the host's order. */
    public List<WzPipeline> pipelines(List<Pipeline> pipelines) {
        List<WzPipeline> out = new ArrayList<>();
        for (Pipeline p : pipelines) {
            List<WzStage> stages = new ArrayList<>();
            for (Stage s : p.stages()) {
                stages.add(new WzStage(s.id(), cut(s.name(), PIPELINE_NAME_MAX)));
            }
            out.add(new WzPipeline(p.id(), cut(p.name(), PIPELINE_NAME_MAX), stages));
        }
        out.sort(java.util.Comparator.comparing(WzPipeline::id));
        return out;
    }

    /** A short, stable hash of a payload's JSON. */
    public static String hash(Object payload) {
        return Digests.sha256Hex(Json.bytes(payload), 16);
    }

    /** Who a contact belongs to and which chats it has, for webhook events. */
    public static Refs refs(WzContact c) {
        List<String> keys = new ArrayList<>();
        for (WzChatHandle h : c.contactData()) {
            for (String handle : new String[] {h.chatId(), h.username(), h.phone()}) {
                if (handle != null) {
                    keys.add(Refs.chatKey(h.chatType(), handle));
                }
            }
        }
        return new Refs(c.responsibleUserId(), keys, List.of());
    }

    /** Who a deal belongs to and which contacts it has, for webhook events. */
    public static Refs refs(WzDeal d) {
        return new Refs(d.responsibleUserId(), List.of(), d.contacts());
    }

    static String cut(String s, int max) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.length() <= max) {
            return t;
        }
        // never half a character: a cut inside a surrogate pair (an emoji) ends one unit earlier
        int end = Character.isHighSurrogate(t.charAt(max - 1)) ? max - 1 : max;
        return t.substring(0, end);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

}
