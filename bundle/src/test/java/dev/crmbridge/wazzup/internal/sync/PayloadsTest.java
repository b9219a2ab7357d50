package dev.crmbridge.wazzup.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The CRM → Wazzup mapping (§2–§5): lengths within Wazzup's limits, handles normalised, stable hashes. */
class PayloadsTest {

    private final Payloads payloads = new Payloads(PhoneRules.NONE);

    private static CrmContact contact(ChatHandle... chats) {
        return new CrmContact("c-1", "u-1", "Anna", List.of(chats), "https://crm.example.com/contacts/c-1");
    }

    private static ChatHandle h(String type, String chatId, String username, String phone) {
        return new ChatHandle(type, chatId, username, phone);
    }

    // ------------------------------------------------------------------ users

    @Nested
    class Users {

        @Test
        void aUserKeepsItsIdAndNameAndThePhonesDigits() {
            assertThat(payloads.user(new CrmUser("u-1", "Olga Petrova", "+7 (901) 111-22-33")))
                    .isEqualTo(new WzUser("u-1", "Olga Petrova", "79011112233"));
        }

        /** Cutting must not split a character: a lone surrogate is no text (an emoji at the limit goes whole). */
        @Test
        void aNameIsCutAtACharacterBoundary() {
            String name = "n".repeat(149) + "\uD83D\uDE00" + "tail";
            String cut = payloads.user(new CrmUser("u-1", name, null)).name();
            assertThat(cut.length()).isLessThanOrEqualTo(Payloads.USER_NAME_MAX);
            assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).as("ends in half an emoji").isFalse();
            String contactName = payloads.contact(new CrmContact("c-1", "u-1", "c".repeat(199) + "\uD83D\uDE00",
                    List.of(ChatHandle.whatsapp("79011112233")), null)).name();
            assertThat(contactName.length()).isLessThanOrEqualTo(Payloads.NAME_MAX);
            assertThat(Character.isHighSurrogate(contactName.charAt(contactName.length() - 1))).isFalse();
        }

        @Test
        void theNameIsCutTo150AndStripped() {
            WzUser u = payloads.user(new CrmUser("u-1", "  " + "n".repeat(400) + "  ", null));
            assertThat(u.name()).hasSize(Payloads.USER_NAME_MAX).isEqualTo("n".repeat(150));
            assertThat(payloads.user(new CrmUser("u-1", "  Olga  ", null)).name()).isEqualTo("Olga");
            assertThat(payloads.user(new CrmUser("u-1", "o".repeat(150), null)).name()).hasSize(150);
        }

        @Test
        void aPhoneWithoutDigitsIsNone() {
            assertThat(payloads.user(new CrmUser("u-1", "Olga", null)).phone()).isNull();
            assertThat(payloads.user(new CrmUser("u-1", "Olga", "n/a")).phone()).isNull();
            assertThat(payloads.user(new CrmUser("u-1", "Olga", "")).phone()).isNull();
        }

        @Test
        void phoneRulesApply() {
            Payloads ru = new Payloads(PhoneRules.parse(new String[] {"8>7:11"}));
            assertThat(ru.user(new CrmUser("u-1", "Olga", "8 901 111 22 33")).phone()).isEqualTo("79011112233");
        }
    }

    // ------------------------------------------------------------------ contacts

    @Nested
    class Contacts {

        @Test
        void aContactKeepsItsFields() {
            WzContact c = payloads.contact(contact(ChatHandle.whatsapp("79011112233")));
            assertThat(c).isEqualTo(new WzContact("c-1", "u-1", "Anna", List.of(WzChatHandle.of("whatsapp", "79011112233")),
                    "https://crm.example.com/contacts/c-1"));
        }

        @Test
        void whatsappAndViberChatIdsBecomeDigits() {
            WzContact c = payloads.contact(contact(ChatHandle.whatsapp("+7 (901) 111-22-33"),
                    h("viber", " +7 901 222 33 44 ", null, null)));
            assertThat(c.contactData()).containsExactly(WzChatHandle.of("whatsapp", "79011112233"),
                    WzChatHandle.of("viber", "79012223344"));
        }

        @Test
        void aPhoneChatWithoutDigitsIsDropped() {
            WzContact c = payloads.contact(contact(ChatHandle.whatsapp("ask the client"), ChatHandle.of("instagram", "anna")));
            assertThat(c.contactData()).containsExactly(WzChatHandle.of("instagram", "anna"));
        }

        @Test
        void aPhoneChatKeepsOnlyItsChatId() {
            assertThat(payloads.handle(h("whatsapp", "+79011112233", "anna", "79990000000")))
                    .isEqualTo(WzChatHandle.of("whatsapp", "79011112233"));
            assertThat(payloads.handle(h("whatsapp", null, null, "79011112233"))).as("a phone is no WhatsApp chat id").isNull();
        }

        @Test
        void telegramUsernameLosesItsAtAndThePhoneIsKeptAsDigits() {
            assertThat(payloads.handle(h("telegram", null, "@anna_tg", "+7 901 111-22-33")))
                    .isEqualTo(new WzChatHandle("telegram", null, "anna_tg", "79011112233"));
            assertThat(payloads.handle(ChatHandle.telegramUsername("@anna_tg")))
                    .isEqualTo(new WzChatHandle("telegram", null, "anna_tg", null));
            assertThat(payloads.handle(h("telegram", " guid-1 ", " ", null)))
                    .isEqualTo(new WzChatHandle("telegram", "guid-1", null, null));
        }

        @Test
        void maxKeepsThePhoneButNoUsername() {
            assertThat(payloads.handle(h("max", null, "anna", "+7 901 111 22 33")))
                    .isEqualTo(new WzChatHandle("max", null, null, "79011112233"));
            assertThat(payloads.handle(h("max", null, "anna", null))).as("nothing usable is left").isNull();
        }

        @Test
        void instagramLosesTheAtOfItsChatId() {
            assertThat(payloads.handle(ChatHandle.of("instagram", "@anna.ig"))).isEqualTo(WzChatHandle.of("instagram", "anna.ig"));
        }

        @Test
        void usernameAndPhoneAreDroppedForOtherTypes() {
            assertThat(payloads.handle(h("instagram", "anna.ig", "anna", "79011112233")))
                    .isEqualTo(WzChatHandle.of("instagram", "anna.ig"));
            assertThat(payloads.handle(h("vk", "12345", "anna", "79011112233"))).isEqualTo(WzChatHandle.of("vk", "12345"));
            assertThat(payloads.handle(h("telegroup", null, "anna", null))).isNull();
        }

        @Test
        void chatTypesAreLowerCasedAndTrimmedAndUnknownTypesKept() {
            assertThat(payloads.handle(h(" WhatsApp ", "79011112233", null, null))).isEqualTo(WzChatHandle.of("whatsapp", "79011112233"));
            assertThat(payloads.handle(ChatHandle.of("newmessenger", "x-1"))).isEqualTo(WzChatHandle.of("newmessenger", "x-1"));
            assertThat(payloads.handle(ChatHandle.of("  ", "x-1"))).isNull();
        }

        @Test
        void duplicatesAreRemoved() {
            WzContact c = payloads.contact(contact(ChatHandle.whatsapp("+7 901 111-22-33"), ChatHandle.whatsapp("79011112233"),
                    ChatHandle.of("WHATSAPP", "7 (901) 1112233"), ChatHandle.telegramUsername("@anna"),
                    ChatHandle.telegramUsername("anna"), ChatHandle.of("instagram", "@anna"), ChatHandle.of("instagram", "anna")));
            assertThat(c.contactData()).containsExactly(WzChatHandle.of("whatsapp", "79011112233"),
                    new WzChatHandle("telegram", null, "anna", null), WzChatHandle.of("instagram", "anna"));
        }

        @Test
        void aContactWithoutUsableHandlesIsNotSent() {
            assertThat(payloads.contact(contact())).isNull();
            assertThat(payloads.contact(contact(ChatHandle.whatsapp("none"), h("telegram", " ", " ", " "),
                    ChatHandle.of("", "x"), h("max", null, "anna", null)))).isNull();
        }

        @Test
        void aUriOver200IsLeftOut() {
            String base = "https://crm.example.com/c/";
            String exactly200 = base + "x".repeat(200 - base.length());
            String longer = exactly200 + "x";
            assertThat(payloads.contact(withUri(exactly200)).uri()).isEqualTo(exactly200);
            assertThat(payloads.contact(withUri(longer)).uri()).isNull();
            assertThat(payloads.contact(withUri("  ")).uri()).isNull();
            assertThat(payloads.contact(withUri(null)).uri()).isNull();
        }

        private CrmContact withUri(String uri) {
            return new CrmContact("c-1", "u-1", "Anna", List.of(ChatHandle.whatsapp("79011112233")), uri);
        }

        @Test
        void theNameIsCutTo200() {
            WzContact c = payloads.contact(new CrmContact("c-1", "u-1", "a".repeat(500),
                    List.of(ChatHandle.whatsapp("79011112233")), null));
            assertThat(c.name()).hasSize(Payloads.NAME_MAX);
        }

        @Test
        void theHashIsStableAndSeesTheHandlesAndTheirOrder() {
            CrmContact one = contact(ChatHandle.whatsapp("79011112233"), ChatHandle.telegramUsername("anna"));
            String hash = Payloads.hash(payloads.contact(one));
            assertThat(hash).matches("[0-9a-f]{32}");
            assertThat(Payloads.hash(payloads.contact(one))).isEqualTo(hash);
            // the same values in another format: the same payload, the same hash
            assertThat(Payloads.hash(payloads.contact(contact(ChatHandle.whatsapp("+7 901 111 22 33"),
                    ChatHandle.telegramUsername("@anna"))))).isEqualTo(hash);
            assertThat(Payloads.hash(payloads.contact(contact(ChatHandle.whatsapp("79011112234"),
                    ChatHandle.telegramUsername("anna"))))).isNotEqualTo(hash);
            assertThat(Payloads.hash(payloads.contact(new CrmContact("c-1", "u-2", "Anna", one.chats(), one.uri()))))
                    .as("another responsible user").isNotEqualTo(hash);
            assertThat(Payloads.hash(payloads.contact(contact(ChatHandle.telegramUsername("anna"),
                    ChatHandle.whatsapp("79011112233"))))).as("the handles in another order").isNotEqualTo(hash);
        }

        @Test
        void theRefsOfAContactNameEveryHandleOfEveryChat() {
            WzContact c = payloads.contact(contact(ChatHandle.whatsapp("+7 901 111 22 33"),
                    h("telegram", "guid-1", "@anna", "+7 901 222 33 44"), ChatHandle.of("instagram", "@anna.ig")));
            Refs r = Payloads.refs(c);
            assertThat(r.owner()).isEqualTo("u-1");
            assertThat(r.chatKeys()).containsExactly("whatsapp:79011112233", "telegram:guid-1", "telegram:anna",
                    "telegram:79012223344", "instagram:anna.ig");
            assertThat(r.contactIds()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ deals

    @Nested
    class Deals {

        @Test
        void aDealKeepsItsFieldsAndItsContactsOnce() {
            WzDeal d = payloads.deal(new CrmDeal("d-1", "u-1", " Order 1 ", List.of("c-1", "c-2", "c-1"),
                    "https://crm.example.com/deals/d-1", true, "p-1", "s-1"));
            assertThat(d).isEqualTo(new WzDeal("d-1", "u-1", "Order 1", List.of("c-1", "c-2"),
                    "https://crm.example.com/deals/d-1", true));
        }

        @Test
        void theNameIsCutTo200() {
            WzDeal d = payloads.deal(new CrmDeal("d-1", "u-1", "d".repeat(201), List.of("c-1"), "https://x/d-1", false));
            assertThat(d.name()).hasSize(200);
        }

        @Test
        void theHashSeesTheClosedFlagAndTheContacts() {
            CrmDeal open = new CrmDeal("d-1", "u-1", "Order", List.of("c-1"), "https://x/d-1", false);
            String hash = Payloads.hash(payloads.deal(open));
            assertThat(Payloads.hash(payloads.deal(open))).isEqualTo(hash);
            assertThat(Payloads.hash(payloads.deal(new CrmDeal("d-1", "u-1", "Order", List.of("c-1"), "https://x/d-1", true))))
                    .isNotEqualTo(hash);
            assertThat(Payloads.hash(payloads.deal(new CrmDeal("d-1", "u-1", "Order", List.of("c-1", "c-2"), "https://x/d-1",
                    false)))).isNotEqualTo(hash);
            assertThat(Payloads.hash(payloads.deal(new CrmDeal("d-1", "u-1", "Order", List.of("c-1", "c-1"), "https://x/d-1",
                    false)))).as("a contact named twice is the same deal").isEqualTo(hash);
            // pipeline and stage are informational: Wazzup holds neither
            assertThat(Payloads.hash(payloads.deal(new CrmDeal("d-1", "u-1", "Order", List.of("c-1"), "https://x/d-1", false,
                    "p-9", "s-9")))).isEqualTo(hash);
        }

        @Test
        void theRefsOfADealNameItsOwnerAndContacts() {
            Refs r = Payloads.refs(payloads.deal(new CrmDeal("d-1", "u-3", "Order", List.of("c-1", "c-2", "c-1"),
                    "https://x/d-1", false)));
            assertThat(r.owner()).isEqualTo("u-3");
            assertThat(r.contactIds()).containsExactly("c-1", "c-2");
            assertThat(r.chatKeys()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ pipelines

    @Nested
    class Pipelines {

        private final Pipeline sales = new Pipeline("p-2", "Sales", List.of(new Stage("s-1", "New"), new Stage("s-2", "Won")));
        private final Pipeline support = new Pipeline("p-1", "Support", List.of(new Stage("s-3", "Open")));

        @Test
        void pipelinesAreSortedByIdWithTheirStagesInOrder() {
            assertThat(payloads.pipelines(List.of(sales, support))).containsExactly(
                    new WzPipeline("p-1", "Support", List.of(new WzStage("s-3", "Open"))),
                    new WzPipeline("p-2", "Sales", List.of(new WzStage("s-1", "New"), new WzStage("s-2", "Won"))));
        }

        @Test
        void namesAreCutTo100() {
            List<WzPipeline> out = payloads.pipelines(List.of(new Pipeline("p-1", "P".repeat(150),
                    List.of(new Stage("s-1", "S".repeat(101))))));
            assertThat(out.get(0).name()).hasSize(Payloads.PIPELINE_NAME_MAX);
            assertThat(out.get(0).stages().get(0).name()).hasSize(100);
        }

        @Test
        void aPipelineWithoutStagesSendsNoStagesField() {
            List<WzPipeline> out = payloads.pipelines(List.of(new Pipeline("p-1", "Empty", List.of())));
            assertThat(out.get(0).stages()).isNull();
            assertThat(new String(Json.bytes(out.get(0)), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("stages");
        }

        @Test
        void theHashDoesNotDependOnTheHostsOrderOfPipelinesButOnTheOrderOfStages() {
            String hash = Payloads.hash(payloads.pipelines(List.of(sales, support)));
            assertThat(Payloads.hash(payloads.pipelines(List.of(support, sales)))).isEqualTo(hash);
            Pipeline reordered = new Pipeline("p-2", "Sales", List.of(new Stage("s-2", "Won"), new Stage("s-1", "New")));
            assertThat(Payloads.hash(payloads.pipelines(List.of(reordered, support)))).isNotEqualTo(hash);
            Pipeline renamed = new Pipeline("p-2", "Sales", List.of(new Stage("s-1", "Fresh"), new Stage("s-2", "Won")));
            assertThat(Payloads.hash(payloads.pipelines(List.of(renamed, support)))).isNotEqualTo(hash);
        }
    }
}
