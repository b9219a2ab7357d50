package dev.crmbridge.wazzup.api.account;

import dev.crmbridge.wazzup.api.WazzupConnector;

/**
 * The names under which the connector tells its Wazzup accounts apart. The configuration under
 * {@value WazzupConnector#PID} is the account {@value #DEFAULT}; every service the connector registers for an
 * account carries {@value #SERVICE_PROPERTY} with its name, and every event it posts carries
 * {@value #EVENT_PROPERTY}.
 *
 * @since 1.0
 */
public final class Accounts {

    /** The account of the configuration under {@value WazzupConnector#PID}. */
    public static final String DEFAULT = "default";

    /** The service property that names the account of a service the connector registers (a String). */
    public static final String SERVICE_PROPERTY = "dev.crmbridge.wazzup.account";

    /** The event property that names the account an event is of (a String); absent means {@value #DEFAULT}. */
    public static final String EVENT_PROPERTY = "account";

    /** The factory PID of an account's configuration: {@code dev.crmbridge.wazzup.account~<name>}. */
    public static final String FACTORY_PID = "dev.crmbridge.wazzup.account";

    private Accounts() {
    }
}
