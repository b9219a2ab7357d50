package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the host's change events ({@link CrmEvents}) into changes for the {@link ChangeRecorder}. Runs on
 * EventAdmin's thread, so it only reads the topic and hands the ids over as they are (no copy, no store,
 * no lock): it returns in microseconds. A malformed event is logged (at most once a minute) and dropped.
 */
public final class ChangeCapture {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeCapture.class);

    private final ChangeRecorder recorder;
    private final AtomicLong lastWarning = new AtomicLong();

    public ChangeCapture(ChangeRecorder recorder) {
        this.recorder = recorder;
    }

    public void handle(Event event) {
        String topic = event.getTopic();
        if (!topic.startsWith(CrmEvents.TOPIC_PREFIX)) {
            return;
        }
        String rest = topic.substring(CrmEvents.TOPIC_PREFIX.length());
        int slash = rest.indexOf('/');
        EntityType type = slash < 0 ? null : EntityType.ofTopicSegment(rest.substring(0, slash));
        String verb = slash < 0 ? "" : rest.substring(slash + 1);
        OutboxRow.Op op = CrmEvents.SAVED.equals(verb) ? OutboxRow.Op.SAVE
                : CrmEvents.DELETED.equals(verb) ? OutboxRow.Op.DELETE : null;
        Object id = event.getProperty(CrmEvents.PROPERTY_ID);
        Object ids = event.getProperty(CrmEvents.PROPERTY_IDS);
        if (type == null || op == null || (id == null && ids == null)) {
            warn("ignored event {}: expected {}<user|contact|deal|pipeline>/<SAVED|DELETED> with '{}' or '{}'",
                    topic, CrmEvents.TOPIC_PREFIX, CrmEvents.PROPERTY_ID, CrmEvents.PROPERTY_IDS);
            return;
        }
        recorder.record(type, id, op);
        recorder.record(type, ids, op);
    }

    private void warn(String format, Object... args) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warn(format, args);
        }
    }
}
