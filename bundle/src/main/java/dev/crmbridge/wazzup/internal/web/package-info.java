/** Small helpers of the connector's servlets and pages. */
package dev.crmbridge.wazzup.internal.web;
