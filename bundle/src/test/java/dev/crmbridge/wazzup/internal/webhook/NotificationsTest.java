package dev.crmbridge.wazzup.internal.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crmbridge.wazzup.api.event.WazzupEvents;
import dev.crmbridge.wazzup.internal.client.Json;
import dev.crmbridge.wazzup.internal.store.InboxItem;
import dev.crmbridge.wazzup.internal.store.RefsTable.ChatOwners;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.service.event.Event;

/** Webhook bodies split into stored notifications (§8.4–§8.8), and stored notifications turned into events. */
class NotificationsTest {

    // ------------------------------------------------------------------ helpers

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Single quotes stand for double quotes, to keep the bodies readable. */
    private static JsonNode q(String text) {
        return json(text.replace('\'', '"'));
    }

    private static List<InboxItem> split(String singleQuotedJson) {
        return Notifications.split(q(singleQuotedJson));
    }

    private static InboxItem only(String singleQuotedJson) {
        List<InboxItem> items = split(singleQuotedJson);
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    /** The team's samples: {@code -Dwazzup.samples=…}, else {@code shared/wazzup-samples} beside an ancestor. */
    static Path samplesDir() {
        String configured = System.getProperty("wazzup.samples");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("wazzup-samples");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/wazzup-samples not found beside the checkout; set -Dwazzup.samples");
    }

    static JsonNode sample(String name) {
        try {
            return json(Files.readString(samplesDir().resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ keys

    @Nested
    class Keys {

        @Test
        void aNewMessageIsKeyedByItsId() {
            InboxItem i = only("{'messages':[{'messageId':'m1','chatType':'whatsapp','chatId':'79011112233','text':'hi'}]}");
            assertThat(i.key()).isEqualTo("m:m1:new");
            assertThat(i.kind()).isEqualTo(Notifications.MESSAGE);
            assertThat(i.reason()).isNull();
            assertThat(json(i.body())).isEqualTo(q("{'messageId':'m1','chatType':'whatsapp','chatId':'79011112233','text':'hi'}"));
        }

        @Test
        void eachStateOfAMessageIsItsOwnNotificationAndAnExactRepeatIsNot() {
            // §8.4: an echo "sent", then the same messageId with "error" and error{}
            String sent = only("{'messages':[{'messageId':'m1','isEcho':true,'status':'sent','text':'hi'}]}").key();
            String error = only("{'messages':[{'messageId':'m1','isEcho':true,'status':'error','text':'hi',"
                    + "'error':{'error':'BAD_CONTACT','description':'no such account'}}]}").key();
            String otherError = only("{'messages':[{'messageId':'m1','isEcho':true,'status':'error','text':'hi',"
                    + "'error':{'error':'24_HOURS_EXCEEDED'}}]}").key();
            String repeat = only("{'messages':[{'messageId':'m1','isEcho':true,'status':'ERROR','text':'hi',"
                    + "'error':{'error':'BAD_CONTACT','description':'no such account'},'dateTime':'later'}]}").key();

            assertThat(sent).isEqualTo("m:m1:new:sent");
            assertThat(error).isEqualTo("m:m1:new:error:BAD_CONTACT");
            assertThat(otherError).isNotEqualTo(error).isNotEqualTo(sent);
            assertThat(repeat).as("the same state again").isEqualTo(error);
        }

        @Test
        void aStatusFromWazzupLongerThanAnyStatusIsKeptInsideTheKeyColumn() {
            String status = "s".repeat(5_000);
            InboxItem m = only("{'messages':[{'messageId':'" + "m".repeat(255) + "','status':'" + status + "',"
                    + "'error':{'error':'" + status + "'}}]}");
            InboxItem st = only("{'statuses':[{'messageId':'" + "m".repeat(255) + "','status':'edited','timestamp':'"
                    + status + "','error':{'error':'" + status + "'}}]}");
            assertThat(m.reason()).isNull();
            assertThat(m.key().length()).isLessThanOrEqualTo(dev.crmbridge.wazzup.internal.store.Schema.DEDUP);
            assertThat(st.key().length()).isLessThanOrEqualTo(dev.crmbridge.wazzup.internal.store.Schema.DEDUP);
        }

        @Test
        void aDeletedMessageHasItsOwnKey() {
            assertThat(only("{'messages':[{'messageId':'m1','isDeleted':true,'isEdited':true,'text':'x'}]}").key())
                    .isEqualTo("m:m1:deleted");
        }

        @Test
        void anEditedMessageIsKeyedByADigestOfItsNewText() {
            String a = only("{'messages':[{'messageId':'m1','isEdited':true,'text':'first'}]}").key();
            String again = only("{'messages':[{'messageId':'m1','isEdited':true,'text':'first','dateTime':'later'}]}").key();
            String b = only("{'messages':[{'messageId':'m1','isEdited':true,'text':'second'}]}").key();
            String media = only("{'messages':[{'messageId':'m1','isEdited':true,'text':'first','contentUri':'https://x/y'}]}").key();

            assertThat(a).matches("m:m1:edited:[0-9a-f]{24}");
            assertThat(again).as("the same edit repeated").isEqualTo(a);
            assertThat(b).as("another edit").startsWith("m:m1:edited:").isNotEqualTo(a);
            assertThat(media).as("the content changed").isNotEqualTo(a);
            assertThat(only("{'messages':[{'messageId':'m1','text':'first'}]}").key()).isEqualTo("m:m1:new");
        }

        @Test
        void aStatusIsKeyedByMessageAndStatus() {
            InboxItem i = only("{'statuses':[{'messageId':'m1','timestamp':'2025-02-05T06:01:07.499Z','status':'delivered'}]}");
            assertThat(i.key()).isEqualTo("s:m1:delivered");
            assertThat(i.kind()).isEqualTo(Notifications.STATUS);
            assertThat(i.reason()).isNull();
            // a repeat of the status at another time is the same notification
            assertThat(only("{'statuses':[{'messageId':'m1','timestamp':'2025-02-05T06:09:00.000Z','status':'delivered'}]}").key())
                    .isEqualTo("s:m1:delivered");
        }

        @Test
        void anEditedStatusIsKeyedWithItsTimestampSoThatEveryEditCounts() {
            String first = only("{'statuses':[{'messageId':'m1','timestamp':'2025-02-05T06:01:07.499Z','status':'edited'}]}").key();
            String second = only("{'statuses':[{'messageId':'m1','timestamp':'2025-02-05T06:02:00.000Z','status':'edited'}]}").key();
            assertThat(first).isEqualTo("s:m1:edited:2025-02-05T06:01:07.499Z");
            assertThat(second).isEqualTo("s:m1:edited:2025-02-05T06:02:00.000Z");
        }

        @Test
        void aChannelUpdateIsKeyedByChannelStateAndTimestamp() {
            InboxItem i = only("{'channelsUpdates':[{'channelId':'ch-1','state':'qr','timestamp':1603977171000,'qr':'data:...'}]}");
            assertThat(i.key()).isEqualTo("c:ch-1:qr:1603977171000");
            assertThat(i.kind()).isEqualTo(Notifications.CHANNEL);
            assertThat(i.reason()).isNull();
        }

        @Test
        void aTemplateStatusIsKeyedByGuidAndTheStatusInLowerCase() {
            InboxItem i = only("{'templateStatus':{'templateGuid':'g-1','name':'Test','status':'APPROVED'}}");
            assertThat(i.key()).isEqualTo("t:g-1:approved");
            assertThat(i.kind()).isEqualTo(Notifications.TEMPLATE);
            assertThat(i.reason()).isNull();
        }

        @Test
        void templateStatusMayBeOneObjectOrAList() {
            List<InboxItem> items = split("{'templateStatus':[{'templateGuid':'g-1','name':'A','status':'approved'},"
                    + "{'templateGuid':'g-2','name':'B','status':'Rejected'}]}");
            assertThat(items).extracting(InboxItem::key).containsExactly("t:g-1:approved", "t:g-2:rejected");
            assertThat(items).allSatisfy(i -> {
                assertThat(i.kind()).isEqualTo(Notifications.TEMPLATE);
                assertThat(i.reason()).isNull();
            });
        }

        @Test
        void oneBodyMayCarryMessagesAndStatusesTogether() {
            List<InboxItem> items = split("{'messages':[{'messageId':'m1'},{'messageId':'m2'}],"
                    + "'statuses':[{'messageId':'m0','status':'read'}]}");
            assertThat(items).extracting(InboxItem::key).containsExactly("m:m1:new", "m:m2:new", "s:m0:read");
        }

        @Test
        void aBodyWithoutNotificationsHasNone() {
            assertThat(split("{'test':true}")).isEmpty();
            assertThat(split("{'messages':[],'statuses':null,'somethingNew':{'a':1}}")).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"true", "'true'", "'TRUE'"})
        void booleansMayBeRealOrStrings(String value) {
            assertThat(only("{'messages':[{'messageId':'m1','isDeleted':" + value + "}]}").key()).isEqualTo("m:m1:deleted");
            assertThat(only("{'messages':[{'messageId':'m1','isEdited':" + value + ",'text':'t'}]}").key())
                    .startsWith("m:m1:edited:");
        }

        @ParameterizedTest
        @ValueSource(strings = {"false", "'false'", "null", "'yes'", "0"})
        void otherValuesAreFalse(String value) {
            assertThat(only("{'messages':[{'messageId':'m1','isDeleted':" + value + ",'isEdited':" + value + "}]}").key())
                    .isEqualTo("m:m1:new");
        }
    }

    // ------------------------------------------------------------------ the team's samples

    @Nested
    class Samples {

        @Test
        void theMessagesSampleIsOneMessage() {
            List<InboxItem> items = Notifications.split(sample("webhook-messages.json"));
            assertThat(items).singleElement().satisfies(i -> {
                assertThat(i.key()).isEqualTo("m:6a2087e8-e0f4-9999-b968-9d9999933c81:new:inbound");
                assertThat(i.kind()).isEqualTo(Notifications.MESSAGE);
                assertThat(i.reason()).isNull();
                assertThat(json(i.body())).isEqualTo(sample("webhook-messages.json").get("messages").get(0));
            });
        }

        @Test
        void thePollSampleIsOneMessage() {
            assertThat(Notifications.split(sample("webhook-messages-poll.json"))).singleElement().satisfies(i -> {
                assertThat(i.key()).isEqualTo("m:caa9999-cce3-424c-86cd-05f99995073:new:inbound");
                assertThat(i.kind()).isEqualTo(Notifications.MESSAGE);
                assertThat(i.reason()).isNull();
            });
        }

        @Test
        void anInstagramCommentWithTheInstPostSampleIsOneMessage() {
            ObjectNode message = (ObjectNode) q("{'messageId':'ig-1','channelId':'ch','chatType':'instagram','chatId':'wztest',"
                    + "'type':'text','isEcho':false,'text':'Nice','status':'inbound'}");
            message.set("instPost", sample("webhook-instPost-object.json"));
            ObjectNode body = Json.mapper().createObjectNode();
            body.putArray("messages").add(message);

            assertThat(Notifications.split(body)).singleElement().satisfies(i -> {
                assertThat(i.key()).isEqualTo("m:ig-1:new:inbound");
                assertThat(i.kind()).isEqualTo(Notifications.MESSAGE);
                assertThat(i.reason()).isNull();
                assertThat(json(i.body()).get("instPost")).isEqualTo(sample("webhook-instPost-object.json"));
            });
        }

        @Test
        void theStatusesSampleIsOneStatus() {
            assertThat(Notifications.split(sample("webhook-statuses.json"))).singleElement().satisfies(i -> {
                assertThat(i.key()).isEqualTo("s:be3dc577-60c4-4fc8-83a5-8c358e0bfe15:delivered");
                assertThat(i.kind()).isEqualTo(Notifications.STATUS);
                assertThat(i.reason()).isNull();
            });
        }

        @Test
        void theChannelsUpdatesSampleIsOneChannelUpdate() {
            assertThat(Notifications.split(sample("webhook-channelsUpdates.json"))).singleElement().satisfies(i -> {
                assertThat(i.key()).isEqualTo("c:d9e5721c-ce2b-444f-9627-60a8129d7e1f:qr:1603977171000");
                assertThat(i.kind()).isEqualTo(Notifications.CHANNEL);
                assertThat(i.reason()).isNull();
            });
        }

        @Test
        void theTemplateStatusSampleIsOneTemplate() {
            assertThat(Notifications.split(sample("webhook-templateStatus.json"))).singleElement().satisfies(i -> {
                assertThat(i.key()).isEqualTo("t:8d255e5d-aefd-44dc-8131-c3ad6c3ab28c:approved");
                assertThat(i.kind()).isEqualTo(Notifications.TEMPLATE);
                assertThat(i.reason()).isNull();
            });
        }

        @Test
        void theTestProbeAndTheCreationRequestsAreNoNotifications() {
            assertThat(Notifications.split(sample("webhook-test.json"))).isEmpty();
            assertThat(Notifications.split(sample("webhook-createContact.json"))).isEmpty();
            assertThat(Notifications.split(sample("webhook-createDeal.json"))).isEmpty();
        }
    }

    // ------------------------------------------------------------------ pathological items

    @Nested
    class SetAside {

        private void assertSetAside(InboxItem i, String kind) {
            assertThat(i.reason()).as("reason of %s", i).isNotBlank();
            assertThat(i.kind()).isEqualTo(kind);
            assertThat(i.key()).startsWith("x:" + kind + ":");
            assertThat(i.key().length()).isLessThanOrEqualTo(Notifications.MAX_ID);
        }

        @Test
        void aNonObjectItemIsSetAsideAndTheOthersAreKept() {
            List<InboxItem> items = split("{'messages':['text', 42, null, [1], {'messageId':'good'}]}");
            assertThat(items).hasSize(5);
            List<InboxItem> kept = items.stream().filter(i -> i.reason() == null).toList();
            List<InboxItem> aside = items.stream().filter(i -> i.reason() != null).toList();
            assertThat(kept).extracting(InboxItem::key).containsExactly("m:good:new");
            assertThat(aside).hasSize(4).allSatisfy(i -> assertSetAside(i, Notifications.MESSAGE));
            assertThat(aside).extracting(InboxItem::body).containsExactlyInAnyOrder("\"text\"", "42", "null", "[1]");
            assertThat(aside).extracting(InboxItem::key).as("each with its own key").doesNotHaveDuplicates();
        }

        @Test
        void messagesAsTextIsSetAsideAndTheStatusesAreKept() {
            List<InboxItem> items = split("{'messages':'text','statuses':[{'messageId':'m1','status':'read'}]}");
            assertThat(items).hasSize(2);
            assertThat(items).filteredOn(i -> i.reason() == null).extracting(InboxItem::key).containsExactly("s:m1:read");
            assertThat(items).filteredOn(i -> i.reason() != null).singleElement().satisfies(i -> {
                assertSetAside(i, Notifications.MESSAGE);
                assertThat(i.body()).isEqualTo("\"text\"");
                assertThat(i.reason()).contains("messages");
            });
        }

        @ParameterizedTest
        @ValueSource(strings = {"{'chatId':'1'}", "{'messageId':null}", "{'messageId':''}", "{'messageId':'   '}",
            "{'messageId':{'id':'m1'}}", "{'messageId':['m1']}"})
        void aMessageWithoutAUsableIdIsSetAside(String message) {
            List<InboxItem> items = split("{'messages':[" + message + ",{'messageId':'good'}]}");
            assertThat(items).hasSize(2);
            assertSetAside(items.get(0), Notifications.MESSAGE);
            assertThat(items.get(0).reason()).contains("messageId");
            assertThat(json(items.get(0).body())).isEqualTo(q(message));
            assertThat(items.get(1).key()).isEqualTo("m:good:new");
            assertThat(items.get(1).reason()).isNull();
        }

        @Test
        void aMessageIdLongerThanAnyIdIsSetAside() {
            String longId = "a".repeat(300);
            List<InboxItem> items = split("{'messages':[{'messageId':'" + longId + "'},{'messageId':'" + "b".repeat(255) + "'}]}");
            assertSetAside(items.get(0), Notifications.MESSAGE);
            assertThat(items.get(0).reason()).contains("messageId").contains("300");
            assertThat(items.get(1).reason()).as("255 characters is still an id").isNull();
            assertThat(items.get(1).key()).isEqualTo("m:" + "b".repeat(255) + ":new");
        }

        @Test
        void aChatIdLongerThanAnyChatIsSetAside() {
            List<InboxItem> items = split("{'messages':[{'messageId':'m1','chatType':'whatsapp','chatId':'" + "7".repeat(5_000)
                    + "'},{'messageId':'m2','chatType':'whatsapp','chatId':'79011112233'}]}");
            assertThat(items).hasSize(2);
            assertSetAside(items.get(0), Notifications.MESSAGE);
            assertThat(items.get(0).reason()).contains("chatId");
            assertThat(items.get(1).key()).isEqualTo("m:m2:new");
            assertThat(items.get(1).reason()).isNull();
        }

        @Test
        void aStatusWithoutMessageIdIsSetAside() {
            List<InboxItem> items = split("{'statuses':[{'status':'read'},{'messageId':'m1','status':'read'}]}");
            assertSetAside(items.get(0), Notifications.STATUS);
            assertThat(items.get(0).reason()).contains("messageId");
            assertThat(items.get(1).key()).isEqualTo("s:m1:read");
        }

        @Test
        void aChannelUpdateWithoutChannelIdIsSetAside() {
            List<InboxItem> items = split("{'channelsUpdates':[{'state':'active','timestamp':1},"
                    + "{'channelId':'ch','state':'active','timestamp':1}]}");
            assertSetAside(items.get(0), Notifications.CHANNEL);
            assertThat(items.get(0).reason()).contains("channelId");
            assertThat(items.get(1).key()).isEqualTo("c:ch:active:1");
        }

        @Test
        void aTemplateWithoutTemplateGuidIsSetAside() {
            InboxItem i = only("{'templateStatus':{'name':'Test','status':'approved'}}");
            assertSetAside(i, Notifications.TEMPLATE);
            assertThat(i.reason()).contains("templateGuid");
        }

        @Test
        void aTemplateStatusThatIsNoObjectIsSetAside() {
            assertSetAside(only("{'templateStatus':'approved'}"), Notifications.TEMPLATE);
        }

        @Test
        void theSameBadItemHasTheSameKeySoThatItsRepeatIsRecognised() {
            String body = "{'statuses':[{'status':'read','timestamp':'t'}]}";
            assertThat(only(body).key()).isEqualTo(only(body).key());
            assertThat(only("{'statuses':[{'status':'sent','timestamp':'t'}]}").key()).isNotEqualTo(only(body).key());
        }
    }

    // ------------------------------------------------------------------ events

    /** An owner lookup that records its calls. */
    static final class Owners implements NotificationEvents.OwnerLookup {
        final List<String> types = new ArrayList<>();
        final List<List<String>> handles = new ArrayList<>();
        final ChatOwners answer;

        Owners(ChatOwners answer) {
            this.answer = answer;
        }

        @Override
        public ChatOwners of(String chatType, List<String> h) {
            types.add(chatType);
            handles.add(List.copyOf(h));
            return answer;
        }
    }

    private static final ChatOwners ANNA = new ChatOwners(List.of("c-1", "c-2"), List.of("d-1"), List.of("u-1", "u-2"));

    private static Event event(String key, String kind, String singleQuotedJson, NotificationEvents.OwnerLookup owners)
            throws NotificationEvents.Undeliverable {
        return NotificationEvents.event(key, kind, q(singleQuotedJson).toString(), owners);
    }

    private static void assertNoNullProperties(Event e) {
        for (String name : e.getPropertyNames()) {
            assertThat(e.getProperty(name)).as("property %s", name).isNotNull();
        }
    }

    @Nested
    class Events {

        @Test
        void anIncomingMessageIsReceivedWithEverythingWazzupSaid() throws Exception {
            Owners owners = new Owners(ANNA);
            Event e = event("m:m1:new", Notifications.MESSAGE, "{'messageId':'m1','channelId':'ch-1','chatType':'telegram',"
                    + "'chatId':'guid-1','type':'text','text':'Hello','dateTime':'2025-05-06T14:16:00.002Z','status':'inbound',"
                    + "'isEcho':false,'contact':{'name':'Anna','username':'anna_tg','phone':'79011112233'}}", owners);

            assertThat(e.getTopic()).isEqualTo(WazzupEvents.TOPIC_MESSAGE_RECEIVED);
            assertThat(e.getProperty(WazzupEvents.PROPERTY_NOTIFICATION_KEY)).isEqualTo("m:m1:new");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID)).isEqualTo("m1");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CHANNEL_ID)).isEqualTo("ch-1");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CHAT_TYPE)).isEqualTo("telegram");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CHAT_ID)).isEqualTo("guid-1");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_TYPE)).isEqualTo("text");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_TEXT)).isEqualTo("Hello");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_TIME)).isEqualTo("2025-05-06T14:16:00.002Z");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_STATUS)).isEqualTo("inbound");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CONTACT_NAME)).isEqualTo("Anna");
            // absent in the notification: absent in the event
            for (String absent : List.of(WazzupEvents.PROPERTY_CONTENT_URI, WazzupEvents.PROPERTY_AUTHOR_ID,
                    WazzupEvents.PROPERTY_AUTHOR_NAME, WazzupEvents.PROPERTY_ERROR_CODE, WazzupEvents.PROPERTY_ERROR_DESCRIPTION)) {
                assertThat(e.containsProperty(absent)).as(absent).isFalse();
            }
            assertNoNullProperties(e);

            // the owners: one lookup with the chat id, the username and the phone
            assertThat(owners.types).containsExactly("telegram");
            assertThat(owners.handles).containsExactly(List.of("guid-1", "anna_tg", "79011112233"));
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CONTACT_IDS)).isInstanceOf(String[].class)
                    .isEqualTo(new String[] {"c-1", "c-2"});
            assertThat(e.getProperty(WazzupEvents.PROPERTY_DEAL_IDS)).isInstanceOf(String[].class)
                    .isEqualTo(new String[] {"d-1"});
            assertThat(e.getProperty(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS)).isInstanceOf(String[].class)
                    .isEqualTo(new String[] {"u-1", "u-2"});
        }

        @Test
        void anEchoIsSentWithItsAuthorAndMedia() throws Exception {
            Event e = event("m:m2:new", Notifications.MESSAGE, "{'messageId':'m2','chatType':'whatsapp','chatId':'79011112233',"
                    + "'type':'image','contentUri':'https://store/x','isEcho':true,'authorId':'u-7','authorName':'Olga',"
                    + "'status':'error','error':{'error':'BAD_CONTACT','description':'no such account'}}", new Owners(ChatOwners.NONE));

            assertThat(e.getTopic()).isEqualTo(WazzupEvents.TOPIC_MESSAGE_SENT);
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CONTENT_URI)).isEqualTo("https://store/x");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_AUTHOR_ID)).isEqualTo("u-7");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_AUTHOR_NAME)).isEqualTo("Olga");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_ERROR_CODE)).isEqualTo("BAD_CONTACT");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_ERROR_DESCRIPTION)).isEqualTo("no such account");
            assertThat(e.containsProperty(WazzupEvents.PROPERTY_TEXT)).isFalse();
            assertThat(e.containsProperty(WazzupEvents.PROPERTY_CONTACT_NAME)).isFalse();
            // a chat nobody synced: empty arrays, not absent
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CONTACT_IDS)).isEqualTo(new String[0]);
            assertThat(e.getProperty(WazzupEvents.PROPERTY_DEAL_IDS)).isEqualTo(new String[0]);
            assertThat(e.getProperty(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS)).isEqualTo(new String[0]);
            assertNoNullProperties(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {"true", "'true'"})
        void theFlagsChooseTheTopic(String yes) throws Exception {
            Owners owners = new Owners(ChatOwners.NONE);
            assertThat(event("k", "message", "{'messageId':'m','isEcho':false}", owners).getTopic())
                    .isEqualTo(WazzupEvents.TOPIC_MESSAGE_RECEIVED);
            assertThat(event("k", "message", "{'messageId':'m'}", owners).getTopic())
                    .isEqualTo(WazzupEvents.TOPIC_MESSAGE_RECEIVED);
            assertThat(event("k", "message", "{'messageId':'m','isEcho':" + yes + "}", owners).getTopic())
                    .isEqualTo(WazzupEvents.TOPIC_MESSAGE_SENT);
            assertThat(event("k", "message", "{'messageId':'m','isEcho':" + yes + ",'isEdited':" + yes + "}", owners).getTopic())
                    .isEqualTo(WazzupEvents.TOPIC_MESSAGE_EDITED);
            assertThat(event("k", "message", "{'messageId':'m','isEdited':" + yes + ",'isDeleted':" + yes + "}", owners)
                    .getTopic()).isEqualTo(WazzupEvents.TOPIC_MESSAGE_DELETED);
            assertThat(event("k", "message", "{'messageId':'m','isEcho':'false','isEdited':'false','isDeleted':'false'}", owners)
                    .getTopic()).isEqualTo(WazzupEvents.TOPIC_MESSAGE_RECEIVED);
        }

        @Test
        void aChatWithoutChatTypeHasNoOwnerProperties() throws Exception {
            Owners owners = new Owners(ANNA);
            Event e = event("m:m1:new", "message", "{'messageId':'m1','chatId':'79011112233','text':'hi'}", owners);
            assertThat(owners.handles).as("no lookup").isEmpty();
            assertThat(e.containsProperty(WazzupEvents.PROPERTY_CONTACT_IDS)).isFalse();
            assertThat(e.containsProperty(WazzupEvents.PROPERTY_DEAL_IDS)).isFalse();
            assertThat(e.containsProperty(WazzupEvents.PROPERTY_RESPONSIBLE_USER_IDS)).isFalse();
            assertThat(e.containsProperty(WazzupEvents.PROPERTY_CHAT_TYPE)).isFalse();
            assertNoNullProperties(e);
        }

        @Test
        void aChatTypeWithoutAnyHandleIsNobodysWithoutALookup() throws Exception {
            Owners owners = new Owners(ANNA);
            Event e = event("k", "message", "{'messageId':'m1','chatType':'whatsapp'}", owners);
            assertThat(owners.handles).isEmpty();
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CONTACT_IDS)).isEqualTo(new String[0]);
        }

        @Test
        void onlyTheHandlesPresentAreLookedUp() throws Exception {
            Owners owners = new Owners(ANNA);
            event("k", "message", "{'messageId':'m1','chatType':'whatsapp','chatId':'79011112233','contact':{'name':'A'}}", owners);
            assertThat(owners.handles).containsExactly(List.of("79011112233"));
        }

        @Test
        void theSampleMessageBecomesAnEvent() throws Exception {
            Owners owners = new Owners(ANNA);
            JsonNode m = sample("webhook-messages.json").get("messages").get(0);
            Event e = NotificationEvents.event("m:x:new", "message", m.toString(), owners);
            assertThat(e.getTopic()).isEqualTo(WazzupEvents.TOPIC_MESSAGE_RECEIVED);
            assertThat(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_TYPE)).isEqualTo("image");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CONTENT_URI)).isEqualTo(m.get("contentUri").asText());
            assertThat(owners.handles).containsExactly(List.of("79999999999"));
            assertNoNullProperties(e);
        }

        @Test
        void aStatusBecomesStatusChanged() throws Exception {
            Event e = event("s:m1:error", Notifications.STATUS, "{'messageId':'m1','timestamp':'2025-02-05T06:01:07.499Z',"
                    + "'status':'error','error':{'error':'SPAM','description':'blocked'}}", failingOwners());
            assertThat(e.getTopic()).isEqualTo(WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED);
            assertThat(e.getProperty(WazzupEvents.PROPERTY_NOTIFICATION_KEY)).isEqualTo("s:m1:error");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_MESSAGE_ID)).isEqualTo("m1");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_STATUS)).isEqualTo("error");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_TIME)).isEqualTo("2025-02-05T06:01:07.499Z");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_ERROR_CODE)).isEqualTo("SPAM");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_ERROR_DESCRIPTION)).isEqualTo("blocked");
            assertNoNullProperties(e);

            Event plain = NotificationEvents.event("s", "status", sample("webhook-statuses.json").get("statuses").get(0).toString(),
                    failingOwners());
            assertThat(plain.getProperty(WazzupEvents.PROPERTY_STATUS)).isEqualTo("delivered");
            assertThat(plain.containsProperty(WazzupEvents.PROPERTY_ERROR_CODE)).isFalse();
            assertThat(plain.containsProperty(WazzupEvents.PROPERTY_ERROR_DESCRIPTION)).isFalse();
            assertThat(plain.containsProperty(WazzupEvents.PROPERTY_CONTACT_IDS)).isFalse();
            assertNoNullProperties(plain);
        }

        @Test
        void aChannelUpdateBecomesStateChanged() throws Exception {
            Event e = NotificationEvents.event("c:k", Notifications.CHANNEL,
                    sample("webhook-channelsUpdates.json").get("channelsUpdates").get(0).toString(), failingOwners());
            assertThat(e.getTopic()).isEqualTo(WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED);
            assertThat(e.getProperty(WazzupEvents.PROPERTY_CHANNEL_ID)).isEqualTo("d9e5721c-ce2b-444f-9627-60a8129d7e1f");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_STATE)).isEqualTo("qr");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_TIME)).isEqualTo("1603977171000");
            assertThat(e.containsProperty(WazzupEvents.PROPERTY_TIER)).isFalse();
            assertThat(e.getProperty(WazzupEvents.PROPERTY_NOTIFICATION_KEY)).isEqualTo("c:k");
            assertNoNullProperties(e);

            Event tier = event("c:2", "channel", "{'channelId':'ch','state':'active','timestamp':5,'tier':'TIER_1K'}",
                    failingOwners());
            assertThat(tier.getProperty(WazzupEvents.PROPERTY_TIER)).isEqualTo("TIER_1K");
        }

        @Test
        void aTemplateStatusBecomesTemplateStatusChanged() throws Exception {
            Event e = NotificationEvents.event("t:k", Notifications.TEMPLATE, sample("webhook-templateStatus.json")
                    .get("templateStatus").toString(), failingOwners());
            assertThat(e.getTopic()).isEqualTo(WazzupEvents.TOPIC_TEMPLATE_STATUS_CHANGED);
            assertThat(e.getProperty(WazzupEvents.PROPERTY_TEMPLATE_ID)).isEqualTo("8d255e5d-aefd-44dc-8131-c3ad6c3ab28c");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_TEMPLATE_NAME)).isEqualTo("Test");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_STATUS)).isEqualTo("approved");
            assertThat(e.getProperty(WazzupEvents.PROPERTY_NOTIFICATION_KEY)).isEqualTo("t:k");
            assertNoNullProperties(e);
        }

        @ParameterizedTest
        @ValueSource(strings = {"not json", "{\"messageId\":", "[1,2]", "\"text\"", "42", "null", ""})
        void aBodyThatIsNoJsonObjectIsUndeliverable(String body) {
            assertThatThrownBy(() -> NotificationEvents.event("k", Notifications.MESSAGE, body, failingOwners()))
                    .isInstanceOf(NotificationEvents.Undeliverable.class);
        }

        @Test
        void anUnknownKindIsUndeliverable() {
            assertThatThrownBy(() -> NotificationEvents.event("k", "poll", "{\"messageId\":\"m1\"}", failingOwners()))
                    .isInstanceOf(NotificationEvents.Undeliverable.class).hasMessageContaining("poll");
        }

        @Test
        void everySplitItemWithoutReasonBecomesAnEventOfItsKind() throws Exception {
            JsonNode body = q("{'messages':[{'messageId':'m1','chatType':'whatsapp','chatId':'1'}],"
                    + "'statuses':[{'messageId':'m0','status':'read'}],"
                    + "'channelsUpdates':[{'channelId':'ch','state':'active','timestamp':1}],"
                    + "'templateStatus':{'templateGuid':'g','status':'approved'}}");
            List<String> topics = new ArrayList<>();
            for (InboxItem i : Notifications.split(body)) {
                Event e = NotificationEvents.event(i.key(), i.kind(), i.body(), new Owners(ChatOwners.NONE));
                assertThat(e.getProperty(WazzupEvents.PROPERTY_NOTIFICATION_KEY)).isEqualTo(i.key());
                topics.add(e.getTopic());
            }
            assertThat(topics).containsExactly(WazzupEvents.TOPIC_MESSAGE_RECEIVED, WazzupEvents.TOPIC_MESSAGE_STATUS_CHANGED,
                    WazzupEvents.TOPIC_CHANNEL_STATE_CHANGED, WazzupEvents.TOPIC_TEMPLATE_STATUS_CHANGED);
        }
    }

    /** Owners that must not be asked (only messages name chats). */
    private static NotificationEvents.OwnerLookup failingOwners() {
        return (type, handles) -> {
            throw new AssertionError("no owner lookup expected, got " + type + " " + handles);
        };
    }
}
