/** The connector's configuration: the Metatype description and the component that applies it. */
package dev.crmbridge.wazzup.internal.config;
