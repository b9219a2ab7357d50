package dev.crmbridge.wazzup.internal.webhook;

import dev.crmbridge.wazzup.internal.store.MetaTable;
import dev.crmbridge.wazzup.internal.util.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crmKey check of a webhook whose URL secret was right (§8.3, §9). The reference cannot confirm that
 * Wazzup takes the crmKey at {@code POST /v3/connect}, so the URL secret is enough until Wazzup is seen
 * sending it: an {@code Authorization} header, when present, must carry {@code Bearer <crmKey>} (the
 * scheme in any case), and once one did, the header is required from then on. That fact is kept in the
 * store (a digest of the crmKey, so a new connection starts over) and survives restarts. In a cluster
 * another node may be the one that saw it: while it is not required here, a request without the header
 * looks at the store again (at most once a second).
 */
final class CrmKeyGate {

    private static final Logger LOG = LoggerFactory.getLogger(CrmKeyGate.class);

    /** The meta fact: a digest of the crmKey Wazzup was seen sending. */
    static final String SEEN = "webhook.crmKeySeen";

    private final byte[] key;
    private final String digest;
    private final MetaTable meta;
    private volatile boolean required;
    /** When the store was last asked whether another node saw the crmKey (monotonic nanos). */
    private volatile long lookedAt = System.nanoTime() - 1_000_000_000L;

    /** @param crmKey the crmKey set by WAuth, or null/blank when none (then any header is ignored) */
    CrmKeyGate(String crmKey, MetaTable meta) {
        String k = crmKey == null ? "" : crmKey.trim();
        this.key = k.isEmpty() ? null : k.getBytes(StandardCharsets.UTF_8);
        this.digest = k.isEmpty() ? null : Digests.sha256Hex("crmKey:" + k, 16);
        this.meta = meta;
        boolean seen = false;
        if (digest != null) {
            try {
                seen = digest.equals(meta.get(SEEN));
            } catch (RuntimeException e) {
                // the store cannot say: require it (the safe side) until it can
                LOG.warn("Wazzup webhooks: could not read whether Wazzup sends the crmKey ({}); requiring it",
                        e.getClass().getSimpleName());
                seen = true;
            }
        }
        this.required = seen;
    }

    /** Whether Wazzup has been seen sending the crmKey, so that it is now required. */
    boolean required() {
        return required;
    }

    /** Whether the store says (another node of a cluster saw) that Wazzup sends the crmKey; asked once a second. */
    private boolean seenElsewhere() {
        long now = System.nanoTime();
        if (now - lookedAt < 1_000_000_000L) {
            return false;
        }
        lookedAt = now;
        try {
            if (digest.equals(meta.get(SEEN))) {
                required = true;
                LOG.info("Wazzup webhooks: Wazzup sends the crmKey (seen by another node); it is required from now on");
                return true;
            }
        } catch (RuntimeException e) {
            // the store cannot say now: as before, until it can
        }
        return false;
    }

    /** Whether a request with this {@code Authorization} header (or null) may pass. */
    boolean admits(String authorization) {
        if (key == null) {
            return true; // no crmKey configured: the URL secret decides
        }
        if (authorization == null || authorization.isBlank()) {
            return !required && !seenElsewhere();
        }
        String a = authorization.trim();
        int space = a.indexOf(' ');
        boolean bearer = space > 0 && a.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer");
        byte[] given = (bearer ? a.substring(space + 1).trim() : "").getBytes(StandardCharsets.UTF_8);
        boolean ok = MessageDigest.isEqual(given, key) & bearer;
        if (ok && !required) {
            required = true;
            try {
                meta.put(SEEN, digest);
                LOG.info("Wazzup webhooks: Wazzup sends the crmKey; it is required from now on");
            } catch (RuntimeException e) {
                LOG.warn("Wazzup webhooks: Wazzup sends the crmKey, but the store could not record it ({});"
                        + " required while this runs", e.getClass().getSimpleName());
            }
        }
        return ok;
    }
}
