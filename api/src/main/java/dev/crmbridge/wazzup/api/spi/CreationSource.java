package dev.crmbridge.wazzup.api.spi;

/**
 * Why Wazzup asks the CRM to create a contact or a deal (§8.6 of the Wazzup reference).
 *
 * @since 1.0
 */
public enum CreationSource {
    /** A new client wrote, or a manager answered a new client: Wazzup asks on its own. */
    AUTO,
    /** A manager clicked "+" in the chat window's Deals dropdown. */
    BY_USER;

    /**
     * The source Wazzup named.
     *
     * @param wazzupValue {@code auto} or {@code byUser}; anything else counts as {@link #AUTO}
     * @return the source
     */
    public static CreationSource of(String wazzupValue) {
        return "byUser".equalsIgnoreCase(wazzupValue) ? BY_USER : AUTO;
    }
}
