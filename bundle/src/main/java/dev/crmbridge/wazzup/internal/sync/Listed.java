package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.internal.client.Listing;
import dev.crmbridge.wazzup.internal.client.WzChatHandle;
import dev.crmbridge.wazzup.internal.client.WzContact;
import dev.crmbridge.wazzup.internal.client.WzDeal;
import dev.crmbridge.wazzup.internal.client.WzPipeline;
import dev.crmbridge.wazzup.internal.client.WzStage;
import dev.crmbridge.wazzup.internal.client.WzUser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What Wazzup lists of one type, and whether it holds what the connector sent. Listings may differ
 * from what was sent with no real change (see the README's "What the connector tolerates"): fields
 * Wazzup adds (a Telegram handle sent by {@code username} listed with a generated {@code chatId}),
 * optional fields left out, {@code contactData} in another order, usernames in another case, ids as
 * numbers, {@code "false"} for {@code false} (the last two are read as strings and booleans by the
 * client). So only the fields the connector owns are compared, by meaning: an optional field the
 * listing leaves out says nothing.
 *
 * @param byKey the listed entities by key
 * @param complete false when the listing's paging stopped early (a server ignoring {@code offset}):
 *     what it does not show is unknown, not absent
 */
record Listed<P>(Map<String, P> byKey, boolean complete) {

    /** A client's listing by key; an entity without an id is none of ours. */
    static <P> Listed<P> of(Listing<P> listing, Function<P, String> key) {
        Map<String, P> byKey = new HashMap<>(listing.items().size() * 2);
        for (P p : listing.items()) {
            String k = p == null ? null : key.apply(p);
            if (k != null) {
                byKey.putIfAbsent(k, p);
            }
        }
        return new Listed<>(byKey, listing.complete());
    }

    static boolean sameUser(WzUser ours, WzUser listed) {
        // the listing shows {id, name} only (§2.3): the phone is not compared
        return sameText(ours.name(), listed.name());
    }

    static boolean sameContact(WzContact ours, WzContact listed) {
        return Objects.equals(ours.responsibleUserId(), listed.responsibleUserId())
                && sameText(ours.name(), listed.name())
                && sameOptional(ours.uri(), listed.uri())
                && sameHandles(ours.contactData(), listed.contactData());
    }

    static boolean sameDeal(WzDeal ours, WzDeal listed) {
        return Objects.equals(ours.responsibleUserId(), listed.responsibleUserId())
                && sameText(ours.name(), listed.name())
                && sameOptional(ours.uri(), listed.uri())
                && ours.closed() == listed.closed()
                && new HashSet<>(ours.contacts()).equals(new HashSet<>(listed.contacts()));
    }

    /** Funnels as one set, in any order; each funnel's stages in their order. */
    static boolean samePipelines(List<WzPipeline> ours, List<WzPipeline> listed) {
        if (ours.size() != listed.size()) {
            return false;
        }
        Comparator<WzPipeline> byId = Comparator.comparing(WzPipeline::id, Comparator.nullsFirst(Comparator.naturalOrder()));
        List<WzPipeline> a = ours.stream().sorted(byId).toList();
        List<WzPipeline> b = listed.stream().sorted(byId).toList();
        for (int i = 0; i < a.size(); i++) {
            WzPipeline x = a.get(i);
            WzPipeline y = b.get(i);
            if (!Objects.equals(x.id(), y.id()) || !sameText(x.name(), y.name()) || !sameStages(x.stages(), y.stages())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameStages(List<WzStage> ours, List<WzStage> listed) {
        List<WzStage> a = ours == null ? List.of() : ours;
        List<WzStage> b = listed == null ? List.of() : listed;
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Objects.equals(a.get(i).id(), b.get(i).id()) || !sameText(a.get(i).name(), b.get(i).name())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same handles in any order: as many, and each of ours matched by a distinct listed one of its
     * chat type that contradicts none of the fields we sent (a field the listing adds or leaves out
     * contradicts nothing). A listed handle that shares a value with ours is preferred.
     */
    static boolean sameHandles(List<WzChatHandle> ours, List<WzChatHandle> listed) {
        if (ours.size() != listed.size()) {
            return false;
        }
        List<WzChatHandle> left = new ArrayList<>(listed);
        for (WzChatHandle h : ours) {
            WzChatHandle match = null;
            for (WzChatHandle l : left) {
                if (compatible(h, l) && (match == null || shares(h, l))) {
                    match = l;
                    if (shares(h, l)) {
                        break;
                    }
                }
            }
            if (match == null) {
                return false;
            }
            left.remove(match);
        }
        return true;
    }

    private static boolean compatible(WzChatHandle ours, WzChatHandle listed) {
        return lower(ours.chatType()).equals(lower(listed.chatType()))
                && agree(ours.chatId(), listed.chatId())
                && agree(username(ours.username()), username(listed.username()))
                && agree(digits(ours.phone()), digits(listed.phone()))
                && (shares(ours, listed) || listed.chatId() != null && ours.chatId() == null);
    }

    /** Whether the two name the same chat by one value both have. */
    private static boolean shares(WzChatHandle ours, WzChatHandle listed) {
        return both(ours.chatId(), listed.chatId()) || both(username(ours.username()), username(listed.username()))
                || both(digits(ours.phone()), digits(listed.phone()));
    }

    private static boolean agree(String ours, String listed) {
        return ours == null || listed == null || ours.equals(listed);
    }

    private static boolean both(String ours, String listed) {
        return ours != null && ours.equals(listed);
    }

    private static String username(String u) {
        if (u == null || u.isBlank()) {
            return null;
        }
        String t = u.strip();
        return (t.startsWith("@") ? t.substring(1) : t).toLowerCase(Locale.ROOT);
    }

    private static String digits(String phone) {
        if (phone == null) {
            return null;
        }
        String d = phone.replaceAll("\\D", "");
        return d.isEmpty() ? null : d;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static boolean sameText(String ours, String listed) {
        return Objects.equals(ours == null ? null : ours.strip(), listed == null ? null : listed.strip());
    }

    /**
     * An optional field: the listing leaving it out says nothing, and one we do not send is not ours
     * to compare (sending it again would not change it).
     */
    private static boolean sameOptional(String ours, String listed) {
        return ours == null || ours.isBlank() || listed == null || sameText(ours, listed);
    }
}
