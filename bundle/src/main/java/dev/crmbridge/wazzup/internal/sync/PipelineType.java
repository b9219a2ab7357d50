package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.model.Pipeline;
import dev.crmbridge.wazzup.api.spi.CrmDirectory;
import dev.crmbridge.wazzup.api.spi.Page;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WzPipeline;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Pipelines with their stages (§5). Wazzup takes them as one set, so the whole set is one entity with
 * the key {@value #ALL}: any pipeline event is a save of the set, and it is uploaded whole when it
 * differs from what Wazzup holds.
 */
final class PipelineType extends SyncedType<List<Pipeline>, List<WzPipeline>> {

    /** The key of the one set, in the outbox and among the hashes. */
    static final String ALL = "*";

    private final Payloads payloads;

    PipelineType(Payloads payloads) {
        super(EntityType.PIPELINE);
        this.payloads = payloads;
    }

    @Override
    public Collection<String> keys(Collection<String> ids) {
        return ids.isEmpty() ? List.of() : List.of(ALL);
    }

    @Override
    public OutboxRow.Op op(OutboxRow.Op op) {
        return OutboxRow.Op.SAVE;
    }

    @Override
    public int batchSize() {
        return 1;
    }

    @Override
    public String id(List<Pipeline> entity) {
        return ALL;
    }

    @Override
    public List<List<Pipeline>> read(CrmDirectory directory, Collection<String> keys) {
        return keys.contains(ALL) ? List.of(directory.pipelines()) : List.of();
    }

    @Override
    public Page<List<Pipeline>> page(CrmDirectory directory, String cursor, int limit) {
        return Page.last(List.of(directory.pipelines()));
    }

    @Override
    public List<WzPipeline> payload(List<Pipeline> entity) {
        for (Pipeline p : entity) {
            Limits.id("pipeline id", p.id());
            p.stages().forEach(s -> Limits.id("stage id", s.id()));
        }
        return payloads.pipelines(entity);
    }

    @Override
    public void upsert(WazzupClient client, List<List<WzPipeline>> batch) {
        for (List<WzPipeline> set : batch) {
            client.pipelines().upload(set);
        }
    }

    /** The set is never deleted: a host without pipelines uploads an empty set. */
    @Override
    public void delete(WazzupClient client, List<String> keys) {
    }

    @Override
    public Listed<List<WzPipeline>> listed(WazzupClient client) {
        return new Listed<>(Map.of(ALL, client.pipelines().list()), true);
    }

    @Override
    public boolean same(List<WzPipeline> ours, List<WzPipeline> listed) {
        return Listed.samePipelines(ours, listed);
    }
}
