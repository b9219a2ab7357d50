/** The plumbing of the connector's servlets: JSON and HTML answers, refusals, the signed-in user, registration. */
package dev.crmbridge.wazzup.internal.web;
