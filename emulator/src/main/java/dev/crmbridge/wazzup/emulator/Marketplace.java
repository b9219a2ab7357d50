package dev.crmbridge.wazzup.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The WAuth side of Wazzup (§9): integrations registered with {@code POST /v3/marketplace}, the signed
 * single-use {@code state} a "Connect" click produces, and its check in {@code POST /v3/connect/}.
 *
 * <p>The {@code state} is {@code base64url(claims JSON) + "." + base64url(HMAC-SHA256)}, signed with a
 * key that lives only in this emulator instance; the claims name the {@code crmCode}, the Wazzup
 * {@code accountId}, a nonce and the issue time.
 */
public final class Marketplace {

    private static final Pattern CRM_CODE = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    /** A registered marketplace integration. {@code authRedirectUri} may be empty (§9, step 2). */
    public record Integration(String crmCode, String authRedirectUri, String secret, String ownerAccountId) {
        @Override
        public String toString() {
            return "Integration[" + crmCode + ", " + authRedirectUri + "]";
        }
    }

    /** What a valid state says. */
    public record Claims(String crmCode, String accountId, String nonce, long issuedAt) {
    }

    private final Clock clock;
    private final EmulatorOptions options;
    private final byte[] signingKey = Ids.hex32().getBytes(StandardCharsets.US_ASCII);
    private final Map<String, Integration> integrations = new LinkedHashMap<>();
    private final Set<String> usedNonces = ConcurrentHashMap.newKeySet();

    Marketplace(Clock clock, EmulatorOptions options) {
        this.clock = clock;
        this.options = options;
    }

    /** Registers or updates an integration (what {@code POST /v3/marketplace} does). */
    public synchronized Integration register(String crmCode, String authRedirectUri, String secret, String owner) {
        if (crmCode == null || !CRM_CODE.matcher(crmCode).matches()) {
            throw ApiError.withData(400, "VALIDATION_ERROR", "crmCode must be Latin letters, digits, - or _",
                    Map.of("fields", List.of("crmCode")));
        }
        if (secret == null || secret.isBlank()) {
            throw ApiError.withData(400, "VALIDATION_ERROR", "secret is required", Map.of("fields", List.of("secret")));
        }
        Integration existing = integrations.get(crmCode);
        if (existing != null && !existing.ownerAccountId().equals(owner)) {
            throw ApiError.of(400, "CRM_CODE_TAKEN", "crmCode is registered by another partner");
        }
        Integration i = new Integration(crmCode, authRedirectUri == null ? "" : authRedirectUri, secret, owner);
        integrations.put(crmCode, i);
        return i;
    }

    public synchronized Optional<Integration> integration(String crmCode) {
        return Optional.ofNullable(integrations.get(crmCode));
    }

    public synchronized List<Integration> integrations() {
        return List.copyOf(integrations.values());
    }

    /** A fresh signed state for a customer account connecting {@code crmCode}. */
    public String newState(String crmCode, String accountId) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("crmCode", crmCode);
        claims.put("accountId", accountId);
        claims.put("nonce", Ids.token());
        claims.put("iat", clock.millis());
        String payload = b64(Json.bytes(claims));
        return payload + "." + b64(hmac(payload));
    }

    /**
     * Checks a state without using it up.
     *
     * @throws ApiError {@code INVALID_STATE} (malformed, forged or expired) or {@code STATE_ALREADY_USED}
     */
    public Claims verify(String state) {
        if (state == null || state.indexOf('.') < 0) {
            throw ApiError.of(400, "INVALID_STATE", "state is missing or malformed");
        }
        String payload = state.substring(0, state.indexOf('.'));
        String signature = state.substring(state.indexOf('.') + 1);
        byte[] expected = hmac(payload);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw ApiError.of(400, "INVALID_STATE", "state signature is malformed");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw ApiError.of(400, "INVALID_STATE", "state signature does not match");
        }
        JsonNode claims;
        try {
            claims = Json.parse(Base64.getUrlDecoder().decode(payload));
        } catch (Exception e) {
            throw ApiError.of(400, "INVALID_STATE", "state is malformed");
        }
        Claims c = new Claims(claims.path("crmCode").asText(), claims.path("accountId").asText(),
                claims.path("nonce").asText(), claims.path("iat").asLong());
        if (clock.millis() - c.issuedAt() > options.stateTtlMillis) {
            throw ApiError.of(400, "INVALID_STATE", "state has expired");
        }
        if (usedNonces.contains(c.nonce())) {
            throw ApiError.of(400, "STATE_ALREADY_USED", "state has already been used");
        }
        return c;
    }

    /** Marks a verified state as used; false if another request used it first. */
    boolean consume(Claims claims) {
        return usedNonces.add(claims.nonce());
    }

    synchronized void clear() {
        integrations.clear();
        usedNonces.clear();
    }

    private byte[] hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
