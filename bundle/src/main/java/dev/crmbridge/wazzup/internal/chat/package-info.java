/**
 * What managers see: chat window URLs, unanswered counters (cached per user, one request per user at
 * a time), the HTTP endpoints and web component of the chat buttons, and the buttons' descriptors.
 */
package dev.crmbridge.wazzup.internal.chat;
