package dev.crmbridge.wazzup.internal.sync;

import dev.crmbridge.wazzup.api.event.CrmEvents;
import dev.crmbridge.wazzup.api.sync.EntityType;
import dev.crmbridge.wazzup.internal.store.OutboxRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the host's change events ({@link CrmEvents}) into outbox rows. Runs on the event thread: it
 * writes the ids and returns, never calling Wazzup or the directory. A malformed event is logged
 * (at most once a minute) and dropped.
 */
public final class ChangeCapture {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeCapture.class);

    private final SyncEngine engine;
    private final AtomicLong lastWarning = new AtomicLong();

    public ChangeCapture(SyncEngine engine) {
        this.engine = engine;
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
        List<String> ids = ids(event);
        if (type == null || op == null || ids.isEmpty()) {
            warn("ignored event {}: expected {}<user|contact|deal|pipeline>/<SAVED|DELETED> with '{}' or '{}'",
                    topic, CrmEvents.TOPIC_PREFIX, CrmEvents.PROPERTY_ID, CrmEvents.PROPERTY_IDS);
            return;
        }
        engine.record(type, ids, op);
    }

    private static List<String> ids(Event event) {
        List<String> out = new ArrayList<>();
        add(out, event.getProperty(CrmEvents.PROPERTY_ID));
        add(out, event.getProperty(CrmEvents.PROPERTY_IDS));
        return out;
    }

    private static void add(List<String> out, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof String[] array) {
            for (String s : array) {
                add(out, s);
            }
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> add(out, v));
        } else if (value instanceof Object[] array) {
            for (Object o : array) {
                add(out, o);
            }
        } else {
            String s = value.toString().trim();
            if (!s.isEmpty() && s.length() <= 255) {
                out.add(s);
            }
        }
    }

    private void warn(String format, Object... args) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warn(format, args);
        }
    }
}
