package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** {@code POST /v3/message} (§10.2): not idempotent, so retried only under its duplicate guard. */
public final class MessagesApi {

    private final Requester requester;

    MessagesApi(Requester requester) {
        this.requester = requester;
    }

    /**
     * Sends a message. Without a {@code crmMessageId} one is generated, so that every retry carries
     * the same id and Wazzup's 60-second guard keeps the customer from getting it twice; a retry
     * answered {@code REPEATED_CRM_MESSAGE_ID} means an earlier attempt was accepted.
     */
    public SentMessage send(SendMessage message) {
        SendMessage m = message.crmMessageId() == null ? message.withCrmMessageId(UUID.randomUUID().toString()) : message;
        return requester.execute(new Requester.Call("POST /v3/message", "POST", "/v3/message", Json.bytes(m),
                Requester.Retry.DUPLICATE_GUARDED, true), r -> {
                    JsonNode n = r.body().length == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
                    return new SentMessage(n.path("messageId").asText(null), n.path("chatId").asText(m.chatId()),
                            m.crmMessageId(), false);
                }, () -> new SentMessage(null, null, m.crmMessageId(), true));
    }

    /** What one attempt of a send came to. */
    public sealed interface Attempt {
        /** Wazzup accepted it ({@code 201}); ids as answered (null when the answer had none). */
        record Accepted(String messageId, String chatId) implements Attempt {
        }

        /** {@code REPEATED_CRM_MESSAGE_ID}: an earlier attempt with this id was accepted within the last minute. */
        record Repeated() implements Attempt {
        }

        /** Wazzup refused the message itself (a 4xx with a code): trying again would be refused again. */
        record Refused(int status, String code, String description) implements Attempt {
        }

        /**
         * It provably did not send: no connection, the rate limit (429), a gateway's 502/503/504, or the key
         * refused (401, {@code keyRefused}). Trying again later is safe at any time.
         */
        record NotSent(String why, boolean keyRefused) implements Attempt {
        }

        /** It may have been sent: the answer was lost (a timeout, a broken connection) or Wazzup failed (500). */
        record InDoubt(String why) implements Attempt {
        }
    }

    /**
     * Sends once, without retrying: the durable sender keeps its own record of attempts and decides when a
     * repeat is safe (only within Wazzup's 60-second guard of the same {@code crmMessageId}).
     */
    public Attempt attempt(SendMessage m) {
        if (m.crmMessageId() == null) {
            throw new IllegalArgumentException("a durable send carries its crmMessageId");
        }
        try {
            return requester.execute(new Requester.Call("POST /v3/message", "POST", "/v3/message", Json.bytes(m),
                    Requester.Retry.ONCE, true), r -> {
                        JsonNode n;
                        try {
                            n = r.body().length == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
                        } catch (java.io.IOException e) {
                            n = Json.mapper().createObjectNode(); // accepted all the same
                        }
                        return (Attempt) new Attempt.Accepted(n.path("messageId").asText(null), n.path("chatId").asText(null));
                    }, null);
        } catch (UnavailableException e) {
            Throwable cause = e.getCause();
            if (e.status() == 0 && neverConnected(cause)) {
                return new Attempt.NotSent("Wazzup could not be reached (" + cause.getClass().getSimpleName() + ")", false);
            }
            if (e.status() == 503) {
                // refused before any work; a 502 or 504 may follow a request Wazzup did process: in doubt
                return new Attempt.NotSent("Wazzup is unavailable (503)", false);
            }
            if (e.status() == 0 && e.getMessage() != null && e.getMessage().contains("the client is closed")) {
                return new Attempt.NotSent("the connector is stopping", false);
            }
            return new Attempt.InDoubt(e.status() == 0 ? "no answer (" + (cause == null ? "?" : cause.getClass().getSimpleName())
                    + ")" : "Wazzup failed (" + e.status() + ")");
        } catch (RateLimitedException e) {
            return new Attempt.NotSent("the rate limit (429)", false);
        } catch (UnauthorizedException e) {
            return new Attempt.NotSent("the API key was refused (401)", true);
        } catch (WazzupException e) {
            if (ErrorCodes.same(e.errorCode(), ErrorCodes.REPEATED_CRM_MESSAGE_ID)) {
                return new Attempt.Repeated();
            }
            if (e.status() >= 500) {
                return new Attempt.InDoubt("Wazzup failed (" + e.status() + ")");
            }
            if (e.status() == 0) {
                return new Attempt.InDoubt(e.description() == null ? "no answer" : e.description());
            }
            return new Attempt.Refused(e.status(), e.errorCode() == null ? "HTTP_" + e.status() : e.errorCode(), e.description());
        }
    }

    /** {@code PATCH /v3/message/{messageId}} (§10.3): a new text or file, and the editing CRM user. */
    public void edit(String messageId, String text, String contentUri, String crmUserId) {
        com.fasterxml.jackson.databind.node.ObjectNode body = Json.mapper().createObjectNode();
        if (text != null) {
            body.put("text", text);
        }
        if (contentUri != null) {
            body.put("contentUri", contentUri);
        }
        if (crmUserId != null) {
            body.put("crmUserId", crmUserId);
        }
        requester.execute(new Requester.Call("PATCH /v3/message", "PATCH", "/v3/message/" + encode(messageId),
                Json.bytes(body), Requester.Retry.IDEMPOTENT, true), r -> null, null);
    }

    /** {@code DELETE /v3/message/{messageId}} (§10.3). */
    public void delete(String messageId) {
        requester.execute(new Requester.Call("DELETE /v3/message", "DELETE", "/v3/message/" + encode(messageId),
                null, Requester.Retry.IDEMPOTENT, true), r -> null, null);
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** No connection was made, so nothing was sent: refused, no route, no such host, or the connect timed out. */
    static boolean neverConnected(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return true;
            }
        }
        return false;
    }
}
