package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsersRoutesTest extends EmulatorTestSupport {

    @Test
    void upsertsTheSampleAndListsUsersSortedByNameAsAnArray() {
        assertThat(api.post("/v3/users", sample("request-users-upsert.json")).status()).isEqualTo(200);
        Http.Answer list = api.get("/v3/users");
        assertThat(list.status()).isEqualTo(200);
        assertThat(Samples.shapeDifferences(Samples.json("response-users-list.array-variant.json"), list.json())).isEmpty();
        assertThat(list.json().findValuesAsText("name")).containsExactly("Alex Salesman", "Kate Supportics");

        // an upsert with a known id updates
        api.post("/v3/users", List.of(Map.of("id", "u-8", "name", "Aaron Renamed")));
        assertThat(api.get("/v3/users").json().findValuesAsText("id")).containsExactly("u-8", "u-7");
    }

    @Test
    void pagedVariantAnswersCountAsStringAndPagesOf100() {
        wazzup.options().usersListShape(EmulatorOptions.UsersListShape.PAGED);
        List<Map<String, String>> users = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            users.add(Map.of("id", "u" + i, "name", String.format("User %03d", i)));
        }
        api.post("/v3/users", users);
        api.post("/v3/users", List.of(Map.of("id", "last", "name", "Zed")));
        Http.Answer first = api.get("/v3/users?offset=0");
        assertThat(Samples.shapeDifferences(Samples.json("response-users-list.paged-variant.json"), first.json())).isEmpty();
        assertThat(first.json().get("count").asText()).isEqualTo("101");
        assertThat(first.json().get("data")).hasSize(100);
        assertThat(api.get("/v3/users?offset=100").json().get("data").get(0).get("name").asText()).isEqualTo("Zed");
    }

    @Test
    void getsAndDeletesOneUser() {
        api.post("/v3/users", sample("request-users-upsert.json"));
        Http.Answer one = api.get("/v3/users/u-7");
        assertThat(Samples.shapeDifferences(Samples.json("response-user-get.json"), one.json())).isEmpty();
        assertThat(one.json().get("phone").asText()).isEqualTo("79263334567");
        assertThat(api.delete("/v3/users/u-7").status()).isEqualTo(200);
        assertThat(api.get("/v3/users/u-7").status()).isEqualTo(404);
        assertThat(api.delete("/v3/users/u-7").status()).isEqualTo(404);
    }

    @Test
    void bulkDeleteAnswersTheUnknownIds() {
        api.post("/v3/users", sample("request-users-upsert.json"));
        Http.Answer r = api.patch("/v3/users/bulk_delete", List.of("u-7", "nobody"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().toString()).isEqualTo("[\"nobody\"]");
        assertThat(account.users()).extracting(u -> u.id()).containsExactly("u-8");
    }

    @Test
    void invalidItemsAreNamedByIndexAndField() {
        Http.Answer r = api.post("/v3/users", List.of(Map.of("id", "ok", "name", "Fine"), Map.of("id", "no-name")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("INVALID_USERS_DATA");
        assertThat(r.json().get("data").toString()).isEqualTo("[{\"index\":1,\"fields\":[\"name\"]}]");
        assertThat(account.users()).as("a rejected batch is rejected whole").isEmpty();
        assertThat(api.post("/v3/users", "{not json").error()).isEqualTo("INVALID_USERS_DATA");
        assertThat(api.post("/v3/users", Map.of("id", "x")).error()).isEqualTo("INVALID_USERS_DATA");
    }

    @Test
    void lengthLimitsFollowTheV3DocsOrTheStrictSwitch() {
        String id64 = "i".repeat(65);
        assertThat(api.post("/v3/users", List.of(Map.of("id", id64, "name", "n".repeat(200)))).status()).isEqualTo(200);
        assertThat(api.post("/v3/users", List.of(Map.of("id", "x".repeat(201), "name", "n"))).status()).isEqualTo(400);
        wazzup.options().strictUserLengths(true);
        Http.Answer strict = api.post("/v3/users", List.of(Map.of("id", id64, "name", "n".repeat(151))));
        assertThat(strict.json().get("data").get(0).get("fields").toString()).isEqualTo("[\"id\",\"name\"]");
    }

    @Test
    void moreThan100IsTooManyEntitiesAndDuplicateIdsAre500() {
        List<Map<String, String>> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(Map.of("id", "u" + i, "name", "n"));
        }
        Http.Answer tooMany = api.post("/v3/users", many);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.error()).isEqualTo("TOO_MANY_ENTITIES");
        Http.Answer dup = api.post("/v3/users", List.of(Map.of("id", "a", "name", "1"), Map.of("id", "a", "name", "2")));
        assertThat(dup.status()).isEqualTo(500);
        assertThat(account.users()).isEmpty();
    }

    @Test
    void phonesMustBeUniqueAndInvalidOnesAreDroppedSilently() {
        assertThat(api.post("/v3/users", List.of(Map.of("id", "a", "name", "A", "phone", "+7 (926) 1")))
                .status()).isEqualTo(200);
        assertThat(account.user("a").orElseThrow().phone()).isNull();
        api.post("/v3/users", List.of(Map.of("id", "b", "name", "B", "phone", "79261234567")));
        Http.Answer dup = api.post("/v3/users", List.of(Map.of("id", "c", "name", "C", "phone", "79261234567")));
        assertThat(dup.error()).isEqualTo("DUPLICATE_PHONE_NUMBER");
    }

    @Test
    void anAccountHoldsAtMostTheUserLimit() {
        wazzup.options().maxUsers(2);
        api.post("/v3/users", sample("request-users-upsert.json"));
        assertThat(api.post("/v3/users", List.of(Map.of("id", "third", "name", "T"))).error())
                .isEqualTo("USER_LIMIT_EXCEEDED");
        assertThat(api.post("/v3/users", List.of(Map.of("id", "u-7", "name", "Update"))).status()).isEqualTo(200);
    }
}
