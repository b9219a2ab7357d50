package dev.crmbridge.wazzup.internal.client;

import java.util.List;

/**
 * One rejected item of a batch, as Wazzup names it in {@code data: [{index, fields}]}.
 *
 * @param index the item's position in the request batch Wazzup saw
 * @param id the item's id, when the client could resolve it, else null
 * @param fields the offending fields, possibly empty
 */
public record ItemError(int index, String id, List<String> fields) {

    public ItemError {
        fields = List.copyOf(fields);
    }
}
