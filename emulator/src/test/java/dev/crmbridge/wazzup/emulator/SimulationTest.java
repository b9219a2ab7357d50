package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crmbridge.wazzup.emulator.model.Delivery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Wazzup does on its side, and the webhooks the CRM gets for it. */
class SimulationTest extends EmulatorTestSupport {

    private FakeCrm crm;
    private final AtomicInteger created = new AtomicInteger();

    @BeforeEach
    void connectCrm() {
        crm = new FakeCrm().answering(this::answerLikeACrm);
        api.post("/v3/users", sample("request-users-upsert.json"));
        api.post("/v3/pipelines", sample("request-pipelines-upload.json"));
        assertThat(api.patch("/v3/webhooks", sample("request-webhooks-patch.json",
                "https://crm.example.com/wazzup/webhook?token=SECRET", crm.url())).status()).isEqualTo(200);
        crm.clear();
    }

    @AfterEach
    void stopCrm() {
        crm.close();
    }

    /** A CRM that creates what Wazzup asks for and answers it in the documented shape (§8.6). */
    private FakeCrm.Answer answerLikeACrm(FakeCrm.Received r) {
        JsonNode body = r.body();
        if (body.has("createContact")) {
            JsonNode req = body.get("createContact");
            return FakeCrm.Answer.json(Map.of("id", "crm-c-" + created.incrementAndGet(),
                    "responsibleUserId", req.get("responsibleUserId").asText(), "name", req.get("name").asText(),
                    "contactData", req.get("contactData"), "uri", "https://crm.example.com/contacts/" + created.get()));
        }
        if (body.has("createDeal")) {
            JsonNode req = body.get("createDeal");
            return FakeCrm.Answer.json(Map.of("id", "crm-d-" + created.incrementAndGet(),
                    "responsibleUserId", req.get("responsibleUserId").asText(), "name", "Deal from Wazzup",
                    "contacts", req.get("contacts"), "uri", "https://crm.example.com/deals/" + created.get(), "closed", false));
        }
        return FakeCrm.Answer.ok();
    }

    @Test
    void anUnknownChatBecomesContactThenDealThenTheMessageArrives() {
        Simulation s = account.customerWrites("whatsapp", "79011112233", null, "text", "Hi, is the sofa available?", null, "Anna");

        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("createContact", "createDeal", "messages");
        JsonNode createContact = crm.received().get(0).body();
        JsonNode createDeal = crm.received().get(1).body();
        assertThat(Samples.shapeDifferences(Samples.json("webhook-createContact.json"), createContact)).isEmpty();
        assertThat(Samples.shapeDifferences(Samples.json("webhook-createDeal.json"), createDeal)).isEmpty();
        assertThat(createContact.at("/createContact/source").asText()).isEqualTo("auto");
        assertThat(createContact.at("/createContact/contactData/0/chatId").asText()).isEqualTo("79011112233");
        assertThat(createContact.at("/createContact/name").asText()).isEqualTo("Anna");
        assertThat(createDeal.at("/createDeal/contacts/0").asText()).as("references the new contact").isEqualTo("crm-c-1");

        assertThat(account.contact("crm-c-1")).get().satisfies(c -> assertThat(c.hasChat("whatsapp", "79011112233")).isTrue());
        assertThat(account.deal("crm-d-2")).get().satisfies(d -> assertThat(d.contacts()).containsExactly("crm-c-1"));
        assertThat(s.deliveries()).extracting(Delivery::outcome)
                .containsExactly("stored contact crm-c-1", "stored deal crm-d-2", "ok");

        JsonNode message = crm.received().get(2).body();
        assertThat(Samples.shapeDifferences(Samples.json("webhook-messages-poll.json").at("/messages/0"),
                ((com.fasterxml.jackson.databind.node.ObjectNode) message.at("/messages/0").deepCopy()))).isEmpty();
        assertThat(message.at("/messages/0/messageId").asText()).isEqualTo(s.messageId());

        // a second message from the known client asks for nothing
        crm.clear();
        account.customerWrites("whatsapp", "79011112233", "hello?");
        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("messages");
    }

    @Test
    void newClientsAreDistributedInTurn() {
        account.customerWrites("whatsapp", "79000000011", "a");
        account.customerWrites("whatsapp", "79000000022", "b");
        List<String> responsible = crm.received("createContact").stream()
                .map(r -> r.body().at("/createContact/responsibleUserId").asText()).toList();
        assertThat(responsible).containsExactly("u-7", "u-8");
        account.newClients(NewClientMode.IN_TURN, List.of("u-8"));
        account.customerWrites("whatsapp", "79000000033", "c");
        assertThat(crm.received("createContact").get(2).body().at("/createContact/responsibleUserId").asText())
                .isEqualTo("u-8");
    }

    @Test
    void aCrmAnswerOfTheWrongShapeIsNotStoredAndNoDealIsAskedFor() {
        crm.answering(r -> r.body().has("createContact") ? FakeCrm.Answer.json(Map.of("ok", true)) : FakeCrm.Answer.ok());
        Simulation s = account.customerWrites("whatsapp", "79011112233", "hi");
        assertThat(s.deliveries("createContact")).singleElement()
                .satisfies(d -> assertThat(d.outcome()).startsWith("rejected: not a contact"));
        assertThat(s.deliveries("createDeal")).isEmpty();
        assertThat(account.contacts()).isEmpty();
        assertThat(s.deliveries("messages")).hasSize(1);
    }

    @Test
    void aFailingCrmIsRecordedWithItsStatus() {
        crm.answering(r -> new FakeCrm.Answer(503, "busy"));
        Simulation s = account.customerWrites("whatsapp", "79011112233", "hi");
        assertThat(s.deliveries()).extracting(Delivery::status).containsExactly(503, 503);
        assertThat(wazzup.deliveries(d -> !d.kind().equals("test"))).hasSize(2);
    }

    @Test
    void withoutFunnelStagesOrCreationSubscriptionNothingIsCreated() {
        api.post("/v3/pipelines", List.of(Map.of("id", "p", "name", "No stages")));
        account.customerWrites("whatsapp", "79011112233", "hi");
        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("messages");

        api.post("/v3/pipelines", sample("request-pipelines-upload.json"));
        api.patch("/v3/webhooks", Map.of("webhooksUri", crm.url(), "subscriptions", Map.of("messagesAndStatuses", true)));
        crm.clear();
        account.customerWrites("whatsapp", "79011112244", "hi");
        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("messages");
    }

    @Test
    void firstResponderModeAsksOnTheFirstReplyForTheReplyingManager() {
        account.newClients(NewClientMode.FIRST_RESPONDER, null);
        account.customerWrites("whatsapp", "79011112233", "hi");
        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("messages");
        crm.clear();
        account.managerReplies("u-8", "whatsapp", "79011112233", "Hello, Kate here");
        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("createContact", "createDeal", "messages");
        assertThat(crm.received().get(0).body().at("/createContact/responsibleUserId").asText()).isEqualTo("u-8");
        JsonNode echo = crm.received().get(2).body().at("/messages/0");
        assertThat(echo.get("isEcho").asBoolean()).isTrue();
        assertThat(echo.get("authorId").asText()).isEqualTo("u-8");
        assertThat(echo.get("authorName").asText()).isEqualTo("Kate Supportics");
    }

    @Test
    void thePlusButtonAsksForADealOnlyWhenTheContactExists() {
        api.post("/v3/contacts", sample("request-contacts-upsert.json"));
        api.post("/v3/deals", sample("request-deals-upsert.json"));
        Simulation s = account.dealsDropdownPlus("u-7", "whatsapp", "79011112233");
        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("createDeal");
        assertThat(crm.received().get(0).body().at("/createDeal/source").asText()).isEqualTo("byUser");
        assertThat(crm.received().get(0).body().at("/createDeal/contacts/0").asText()).isEqualTo("crm-contact-501");
        assertThat(account.dealsOfContact("crm-contact-501")).hasSize(2);
        assertThat(s.deliveries()).hasSize(1);

        crm.clear();
        account.dealsDropdownPlus("u-7", "whatsapp", "79077777777");
        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("createContact", "createDeal");
    }

    @Test
    void statusesChannelUpdatesAndTemplateStatusMatchTheSamples() {
        String channel = account.channelFor("whatsapp").orElseThrow().channelId();
        Http.Answer sent = api.post("/v3/message", Map.of("channelId", channel, "chatType", "whatsapp",
                "chatId", "79011112233", "text", "hello"));
        String messageId = sent.json().get("messageId").asText();
        assertThat(crm.received()).as("API sends do not echo by default").isEmpty();

        account.messageStatus(messageId, "delivered", null, null);
        assertThat(Samples.shapeDifferences(Samples.json("webhook-statuses.json"), crm.received().get(0).body())).isEmpty();
        assertThat(account.message(messageId).orElseThrow().status()).isEqualTo("delivered");

        account.channelState(channel, "qr", "data:image/png;base64,iVBORw0KGgo", null);
        assertThat(Samples.shapeDifferences(Samples.json("webhook-channelsUpdates.json"), crm.received().get(1).body())).isEmpty();

        account.templateStatus("8d255e5d-aefd-44dc-8131-c3ad6c3ab28c", "Test", "approved");
        assertThat(crm.received()).hasSize(2).as("templateStatus is not subscribed in the sample PATCH");
        api.patch("/v3/webhooks", Map.of("webhooksUri", crm.url(), "subscriptions", Map.of("templateStatus", true)));
        account.templateStatus("8d255e5d-aefd-44dc-8131-c3ad6c3ab28c", "Test", "approved");
        assertThat(crm.received("templateStatus").get(0).body()).isEqualTo(Samples.json("webhook-templateStatus.json"));
    }

    @Test
    void withStatusesAsMessagesALaterStateOfAnEchoComesAsTheMessageAgain() {
        wazzup.options().statusesAsMessages(true);
        String messageId = account.managerReplies("u-7", "whatsapp", "79011112233", "your order").messageId();
        account.messageStatus(messageId, "error", "BAD_CONTACT", "no such WhatsApp account");

        assertThat(crm.received()).extracting(FakeCrm.Received::kind).containsExactly("messages", "messages");
        JsonNode first = crm.received().get(0).body().at("/messages/0");
        JsonNode again = crm.received().get(1).body().at("/messages/0");
        assertThat(first.get("status").asText()).isEqualTo("sent");
        assertThat(again.get("messageId").asText()).isEqualTo(messageId);
        assertThat(again.get("isEcho").asBoolean()).isTrue();
        assertThat(again.get("status").asText()).isEqualTo("error");
        assertThat(again.at("/error/error").asText()).isEqualTo("BAD_CONTACT");
        assertThat(again.at("/error/description").asText()).isEqualTo("no such WhatsApp account");
        // the message item's shape is §8.4's, with error{} added
        assertThat(Samples.shapeDifferences(Samples.json("webhook-messages.json").at("/messages/0"), again))
                .allSatisfy(d -> assertThat(d).containsAnyOf("error", "authorName", "authorId", "sentFromApp",
                        "contentUri", "avatarUri"));
    }

    @Test
    void deliveriesCarryTheCrmKeyWhenTheAccountHasOne() {
        account.crmKey("the-crm-key");
        account.customerWrites("whatsapp", "79011112233", "hi");
        assertThat(crm.received()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer the-crm-key"));
        assertThat(wazzup.deliveries(d -> !d.kind().equals("test"))).isNotEmpty()
                .allSatisfy(d -> assertThat(d.authorized()).isTrue());
    }

    @Test
    void apiSendsEchoWhenSwitchedOn() {
        wazzup.options().echoApiMessages(true);
        String channel = account.channelFor("whatsapp").orElseThrow().channelId();
        api.post("/v3/message", Map.of("channelId", channel, "chatType", "whatsapp", "chatId", "79011112233", "text", "x"));
        assertThat(crm.received("messages")).singleElement()
                .satisfies(r -> assertThat(r.body().at("/messages/0/isEcho").asBoolean()).isTrue());
    }
}
