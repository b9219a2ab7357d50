package dev.crmbridge.wazzup.internal.client;

import java.util.Arrays;
import java.util.List;

/** {@code /v3/pipelines} (§5): sales funnels and their stages. */
public final class PipelinesApi {

    private final Requester requester;

    PipelinesApi(Requester requester) {
        this.requester = requester;
    }

    /** Uploads the CRM's funnels; always send the full set (whether an upload merges is unconfirmed). */
    public void upload(List<WzPipeline> pipelines) {
        requester.execute(new Requester.Call("POST /v3/pipelines", "POST", "/v3/pipelines",
                Json.bytes(Batches.dedupe(pipelines, WzPipeline::id)), Requester.Retry.IDEMPOTENT, true), r -> null, null);
    }

    /** The funnels Wazzup holds. */
    public List<WzPipeline> list() {
        return requester.execute(new Requester.Call("GET /v3/pipelines", "GET", "/v3/pipelines", null,
                Requester.Retry.IDEMPOTENT, true),
                r -> r.body().length == 0 ? List.of() : Arrays.asList(Json.mapper().readValue(r.body(), WzPipeline[].class)),
                null);
    }
}
