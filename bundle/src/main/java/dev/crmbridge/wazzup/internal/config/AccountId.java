package dev.crmbridge.wazzup.internal.config;

import dev.crmbridge.wazzup.api.WazzupConnector;
import dev.crmbridge.wazzup.api.account.Accounts;

/**
 * Which Wazzup account a connector instance serves, and the names that follow from it: its rows in the
 * store, its JMX bean, its servlets' names, its services' and events' account property. The default
 * account keeps the names the connector had before accounts, so nothing a host set up changes.
 *
 * @param name the account's name ({@value Accounts#DEFAULT} for the configuration under the plain PID)
 * @param pid the configuration's PID
 */
public record AccountId(String name, String pid) {

    /** The account of the configuration under {@value WazzupConnector#PID}. */
    public static final AccountId DEFAULT = new AccountId(Accounts.DEFAULT, WazzupConnector.PID);

    public AccountId {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(pid, "pid");
    }

    public boolean isDefault() {
        return Accounts.DEFAULT.equals(name);
    }

    /** The JMX name of its bean: the default's stays {@code dev.crmbridge.wazzup:type=Connector}. */
    public String jmxName() {
        return "dev.crmbridge.wazzup:type=Connector" + (isDefault() ? "" : ",account=" + name);
    }

    /** A servlet's name for the logs: the default's stay as they were, another account's end in its name. */
    public String servletName(String base) {
        return isDefault() ? base : base + "-" + name;
    }
}
