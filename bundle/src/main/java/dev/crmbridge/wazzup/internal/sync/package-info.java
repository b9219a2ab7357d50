/** CRM → Wazzup synchronisation: change capture, the dispatcher, the reconciler, payload mapping. */
package dev.crmbridge.wazzup.internal.sync;
