/**
 * Karaf shell commands in the {@code wazzup:} scope, found by Karaf through the bundle's {@code Karaf-Commands}
 * header; loaded only in Karaf (the import of {@code org.apache.karaf.shell.*} is optional).
 */
package dev.crmbridge.wazzup.internal.ops.shell;
