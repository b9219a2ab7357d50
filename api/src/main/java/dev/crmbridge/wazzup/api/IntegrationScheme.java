package dev.crmbridge.wazzup.api;

/**
 * The two integration schemes Wazzup publishes for a CRM. The administrator chooses one in the
 * connector's configuration ({@link WazzupConnector#PROPERTY_SCHEME}).
 *
 * @since 1.0
 */
public enum IntegrationScheme {

    /**
     * The full scheme ("with client management"): users, contacts, deals and pipelines with their
     * stages are kept in step with the CRM; the chat window shows the "Deals" dropdown, and Wazzup
     * may ask the CRM to create contacts and deals.
     */
    CLIENT_MANAGEMENT,

    /**
     * The scheme without client management: only users and contacts are synchronised; deals and
     * pipelines are neither sent to Wazzup nor created when Wazzup asks.
     */
    CONTACTS_ONLY;

    /**
     * Tells whether this scheme synchronises deals and pipelines.
     *
     * @return {@code true} for {@link #CLIENT_MANAGEMENT}, {@code false} otherwise
     */
    public boolean includesDeals() {
        return this == CLIENT_MANAGEMENT;
    }
}
