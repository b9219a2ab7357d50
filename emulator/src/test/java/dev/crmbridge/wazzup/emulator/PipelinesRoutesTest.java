package dev.crmbridge.wazzup.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelinesRoutesTest extends EmulatorTestSupport {

    @Test
    void uploadsAndListsTheSample() {
        assertThat(api.post("/v3/pipelines", sample("request-pipelines-upload.json")).status()).isEqualTo(200);
        Http.Answer list = api.get("/v3/pipelines");
        assertThat(list.json()).isEqualTo(Samples.json("request-pipelines-upload.json"));
        assertThat(Samples.shapeDifferences(Samples.json("response-pipelines-list.json").get(0), list.json().get(0)))
                .isEmpty();
    }

    @Test
    void emptyStagesAreRejectedAndOmittedStagesAreFine() {
        Http.Answer r = api.post("/v3/pipelines", List.of(Map.of("id", "p", "name", "P", "stages", List.of())));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("INVALID_PIPELINES_DATA");
        assertThat(r.json().get("data").toString()).isEqualTo("[{\"index\":0,\"fields\":[\"stages\"]}]");
        assertThat(api.post("/v3/pipelines", List.of(Map.of("id", "p", "name", "P"))).status()).isEqualTo(200);
    }

    @Test
    void numericIdsComeBackAsNumbersAndLengthsAreChecked() {
        api.post("/v3/pipelines", "[{\"id\": 42, \"name\": \"Sales\", \"stages\": [{\"id\": \"s\", \"name\": \"New\"}]}]");
        assertThat(api.get("/v3/pipelines").json().get(0).get("id").isNumber()).isTrue();
        Http.Answer r = api.post("/v3/pipelines", List.of(Map.of("id", "p", "name", "n".repeat(101),
                "stages", List.of(Map.of("id", "s".repeat(101), "name", "ok")))));
        assertThat(r.json().get("data").toString()).isEqualTo("[{\"index\":0,\"fields\":[\"name\",\"stages[0].id\"]}]");
    }

    @Test
    void anUploadReplacesTheFunnelsUnlessSwitchedToMerge() {
        api.post("/v3/pipelines", sample("request-pipelines-upload.json"));
        api.post("/v3/pipelines", List.of(Map.of("id", "pipe-3", "name", "Other")));
        assertThat(account.pipelines()).extracting(p -> p.id()).containsExactly("pipe-3");
        wazzup.options().pipelinesUploadReplaces(false);
        api.post("/v3/pipelines", sample("request-pipelines-upload.json"));
        assertThat(account.pipelines()).extracting(p -> p.id()).containsExactly("pipe-3", "pipe-1", "pipe-2");
    }
}
