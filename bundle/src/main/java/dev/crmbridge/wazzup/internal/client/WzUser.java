package dev.crmbridge.wazzup.internal.client;

/**
 * A CRM employee as Wazzup holds it (§2): {@code id} ≤ 200 (we keep ≤ 64), {@code name} ≤ 200
 * (we keep ≤ 150), {@code phone} digits or null. Lists return {@code {id, name}} only.
 */
public record WzUser(String id, String name, String phone) {
}
