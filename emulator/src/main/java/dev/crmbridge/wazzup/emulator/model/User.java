package dev.crmbridge.wazzup.emulator.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A CRM employee known to Wazzup (§2). {@code phone} is null when absent or dropped as invalid. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record User(String id, String name, String phone) {
}
