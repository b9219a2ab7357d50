package dev.crmbridge.wazzup.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.client.WzChatHandle;
import dev.crmbridge.wazzup.internal.client.WzContact;
import dev.crmbridge.wazzup.internal.client.WzDeal;
import dev.crmbridge.wazzup.internal.client.WzPipeline;
import dev.crmbridge.wazzup.internal.client.WzStage;
import dev.crmbridge.wazzup.internal.client.WzUser;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the reconciler calls "the same": the fields the connector owns, by meaning. Each listing below
 * differs from what was sent in a way the real Wazzup may show with no change at all, and must not
 * make the entity be sent again; each real change must.
 */
class ListedTest {

    private static final WzChatHandle WA = WzChatHandle.of("whatsapp", "79011112233");
    private static final WzChatHandle TG_USER = new WzChatHandle("telegram", null, "Anna_TG", null);
    private static final WzContact SENT = new WzContact("c-1", "u-7", "Anna", List.of(WA, TG_USER),
            "https://crm.example.com/contacts/1");

    private static <T> T read(String json, Class<T> type) throws IOException {
        return Json.mapper().readValue(json.replace('\'', '"'), type);
    }

    @Test
    void aContactListedWithAddedFieldsOtherOrderOtherCaseAndNoUriIsTheSame() throws IOException {
        // the Telegram handle sent by username comes back with a generated chatId; contactData reordered;
        // the username in another case; the optional uri left out; an unknown field added
        WzContact listed = read("{'id':'c-1','responsibleUserId':'u-7','name':'Anna','contactData':["
                + "{'chatType':'telegram','chatId':'6a3b1c2d-0000-0000-0000-000000000000','username':'anna_tg'},"
                + "{'chatType':'whatsapp','chatId':'79011112233'}],'avatar':'x'}", WzContact.class);
        assertThat(Listed.sameContact(SENT, listed)).isTrue();
    }

    @Test
    void aContactWithNumericIdsIsReadAsStringsAndIsTheSame() throws IOException {
        WzContact sent = new WzContact("1", "1", "3301", List.of(WzChatHandle.of("whatsapp", "79991114433")),
                "https://link-to-contact-in-crm.com");
        WzContact listed = read("{'id':1,'responsibleUserId':1,'name':'3301','contactData':"
                + "[{'chatType':'whatsapp','chatId':79991114433}],'uri':'https://link-to-contact-in-crm.com'}", WzContact.class);
        assertThat(Listed.sameContact(sent, listed)).isTrue();
    }

    @Test
    void eachRealChangeOfAContactIsADifference() {
        WzContact listed = new WzContact("c-1", "u-7", "Anna", List.of(WA, TG_USER), "https://crm.example.com/contacts/1");
        assertThat(Listed.sameContact(SENT, listed)).as("identical").isTrue();
        assertThat(Listed.sameContact(SENT, new WzContact("c-1", "u-8", "Anna", List.of(WA, TG_USER), null)))
                .as("another responsible").isFalse();
        assertThat(Listed.sameContact(SENT, new WzContact("c-1", "u-7", "Anna K.", List.of(WA, TG_USER), null)))
                .as("another name").isFalse();
        assertThat(Listed.sameContact(SENT, new WzContact("c-1", "u-7", "Anna", List.of(WA, TG_USER), "https://other")))
                .as("another uri").isFalse();
        assertThat(Listed.sameContact(SENT, new WzContact("c-1", "u-7", "Anna", List.of(WA), null)))
                .as("a handle missing").isFalse();
        assertThat(Listed.sameContact(SENT, new WzContact("c-1", "u-7", "Anna",
                List.of(WzChatHandle.of("whatsapp", "79011112299"), TG_USER), null))).as("another number").isFalse();
        assertThat(Listed.sameContact(SENT, new WzContact("c-1", "u-7", "Anna",
                List.of(WA, new WzChatHandle("telegram", "guid", "someone_else", null)), null))).as("another username").isFalse();
        assertThat(Listed.sameContact(SENT, new WzContact("c-1", "u-7", "Anna",
                List.of(WA, TG_USER, WzChatHandle.of("viber", "79011112233")), null))).as("a handle more").isFalse();
        assertThat(Listed.sameContact(SENT, new WzContact("c-1", "u-7", "Anna",
                List.of(WzChatHandle.of("viber", "79011112233"), TG_USER), null))).as("another chat type").isFalse();
    }

    @Test
    void twoHandlesOfOneTypeAreMatchedOneToOne() {
        WzChatHandle a = WzChatHandle.of("whatsapp", "79011112233");
        WzChatHandle b = WzChatHandle.of("whatsapp", "79011114455");
        WzContact sent = new WzContact("c-1", "u-7", "Anna", List.of(a, b), null);
        assertThat(Listed.sameContact(sent, new WzContact("c-1", "u-7", "Anna", List.of(b, a), null))).isTrue();
        assertThat(Listed.sameContact(sent, new WzContact("c-1", "u-7", "Anna", List.of(a, a), null))).isFalse();
    }

    @Test
    void aDealWithStringBooleansNumericIdsAndOtherContactOrderIsTheSame() throws IOException {
        WzDeal sent = new WzDeal("9001", "7", "Doors + flooring", List.of("501", "502"), "https://crm.example.com/deals/9001", false);
        WzDeal listed = read("{'id':9001,'responsibleUserId':7,'name':'Doors + flooring','contacts':[502,'501'],"
                + "'uri':'https://crm.example.com/deals/9001','closed':'false'}", WzDeal.class);
        assertThat(Listed.sameDeal(sent, listed)).isTrue();
        assertThat(Listed.sameDeal(sent, read("{'id':'9001','responsibleUserId':'7','name':'Doors + flooring',"
                + "'contacts':['501','502'],'closed':false}", WzDeal.class))).as("the uri left out").isTrue();

        assertThat(Listed.sameDeal(sent, new WzDeal("9001", "7", "Doors + flooring", List.of("501", "502"), null, true)))
                .as("closed").isFalse();
        assertThat(Listed.sameDeal(sent, new WzDeal("9001", "7", "Doors + flooring", List.of("501"), null, false)))
                .as("a contact fewer").isFalse();
        assertThat(Listed.sameDeal(sent, new WzDeal("9001", "8", "Doors + flooring", List.of("501", "502"), null, false)))
                .as("another responsible").isFalse();
    }

    @Test
    void aUserIsComparedByNameOnlyAsTheListingHasNoPhone() {
        assertThat(Listed.sameUser(new WzUser("u-1", "Olga", "79011112233"), new WzUser("u-1", "Olga", null))).isTrue();
        assertThat(Listed.sameUser(new WzUser("u-1", "Olga ", "79011112233"), new WzUser("u-1", "Olga", null))).isTrue();
        assertThat(Listed.sameUser(new WzUser("u-1", "Olga", null), new WzUser("u-1", "Olga P.", null))).isFalse();
    }

    @Test
    void pipelinesAreOneSetInAnyOrderWithStagesInTheirOrder() {
        WzPipeline sales = new WzPipeline("p-1", "Sales", List.of(new WzStage("s-1", "New"), new WzStage("s-2", "Won")));
        WzPipeline support = new WzPipeline("p-2", "Support", null);
        assertThat(Listed.samePipelines(List.of(sales, support), List.of(support, sales))).isTrue();
        assertThat(Listed.samePipelines(List.of(sales, support), List.of(sales))).isFalse();
        assertThat(Listed.samePipelines(List.of(sales), List.of(new WzPipeline("p-1", "Sales",
                List.of(new WzStage("s-2", "Won"), new WzStage("s-1", "New")))))).as("stages reordered").isFalse();
        assertThat(Listed.samePipelines(List.of(sales), List.of(new WzPipeline("p-1", "Sales",
                List.of(new WzStage("s-1", "New")))))).as("a stage fewer").isFalse();
    }
}
