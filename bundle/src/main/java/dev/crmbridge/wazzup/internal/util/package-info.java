/** Small helpers every part of the connector uses: digests and bounded keys, resilient worker threads. */
package dev.crmbridge.wazzup.internal.util;
