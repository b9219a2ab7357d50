package dev.crmbridge.wazzup.emulator.model;

/**
 * A planned failure of API sends: the next {@code times} sends (0: every send until cleared) to the
 * chat ({@code chatType}/{@code chatId}, either null for any) are accepted and then reported with
 * {@code status: "error"} and {@code error: {error, description}} (§8.5).
 */
public record SendFailure(String chatType, String chatId, int times, String error, String description) {

    /** Whether a send to this chat meets this failure. */
    public boolean matches(String type, String id) {
        return (chatType == null || chatType.equals(type)) && (chatId == null || chatId.equals(id));
    }
}
