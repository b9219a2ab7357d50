package dev.crmbridge.wazzup.internal.message;

import dev.crmbridge.wazzup.api.message.MessageException;
import dev.crmbridge.wazzup.api.message.Template;
import dev.crmbridge.wazzup.api.message.Templates;
import dev.crmbridge.wazzup.internal.client.TemplatesApi.WzTemplate;
import dev.crmbridge.wazzup.internal.client.WazzupClient;
import dev.crmbridge.wazzup.internal.client.WazzupException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/** {@link Templates}: read page by page, kept {@link #TTL}, read again after a {@code templateStatus} webhook. */
public final class TemplateCatalog implements Templates {

    static final long TTL = 5 * 60_000L;

    private final WazzupClient client;
    private final Clock clock;
    private List<Template> kept;
    private long keptAt;

    public TemplateCatalog(WazzupClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public synchronized List<Template> list() {
        long now = clock.millis();
        if (kept != null && now - keptAt < TTL) {
            return kept;
        }
        if (client == null) {
            throw new MessageException(null, "the connector has no Wazzup API key");
        }
        try {
            kept = client.templates().list().stream().map(TemplateCatalog::template).toList();
            keptAt = now;
        } catch (WazzupException e) {
            if (kept == null) {
                throw new MessageException(e.errorCode(), e.getMessage());
            }
        }
        return kept;
    }

    /** A template's status changed: read them anew when next asked. */
    public synchronized void stale() {
        keptAt = Long.MIN_VALUE / 2;
    }

    private static Template template(WzTemplate t) {
        return new Template(t.templateGuid(), t.name(), t.title(), t.language(), t.category(),
                t.status() == null ? null : t.status().toLowerCase(Locale.ROOT), t.body(), t.variables(), t.channels());
    }
}
