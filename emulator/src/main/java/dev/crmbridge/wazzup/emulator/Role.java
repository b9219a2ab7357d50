package dev.crmbridge.wazzup.emulator;

/** A user's role in the account's integration settings (§7.3). */
public enum Role {
    /** Sees and answers only chats where they are responsible in the CRM; red counters. */
    MANAGER,
    /** Sees all chats; red counters for their own clients, grey for others'. */
    SUPERVISOR,
    /** Sees all chats, cannot write; grey counters. */
    QUALITY_CONTROL,
    /** No role: sees nothing, the counter always reads 0. */
    NONE
}
