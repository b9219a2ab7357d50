package dev.crmbridge.wazzup.emulator;

/** Who gets a new client, the account setting behind automatic contact and deal creation (§8.6). */
public enum NewClientMode {
    /** New clients are distributed in turn: creation requests on the first incoming message. */
    IN_TURN,
    /** New clients go to the first employee who replies: creation requests on the first reply. */
    FIRST_RESPONDER
}
