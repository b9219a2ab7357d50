/** What administrators and monitoring read and do: the connector's JMX bean. */
package dev.crmbridge.wazzup.internal.ops;
