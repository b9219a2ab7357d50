package dev.crmbridge.wazzup.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * HTTP 400: Wazzup rejected the request's data. When it names the offending items
 * ({@code data: [{index, fields}]}) or fields ({@code data: {fields}}), {@link #itemErrors()} and
 * {@link #fields()} carry them; for a batch, the whole batch was rejected.
 */
public class InvalidDataException extends WazzupException {

    private static final long serialVersionUID = 1L;

    private final List<ItemError> itemErrors;
    private final List<String> fields;

    public InvalidDataException(String route, int status, String errorCode, String description, JsonNode data,
            String requestId, List<ItemError> itemErrors, List<String> fields) {
        super(route, status, errorCode, description, data, requestId, null, describe(itemErrors, fields));
        this.itemErrors = List.copyOf(itemErrors);
        this.fields = List.copyOf(fields);
    }

    private static String describe(List<ItemError> items, List<String> fields) {
        StringBuilder b = new StringBuilder();
        if (!items.isEmpty()) {
            b.append(" [");
            for (int i = 0; i < items.size() && i < 10; i++) {
                ItemError e = items.get(i);
                b.append(i > 0 ? "; " : "").append("item ").append(e.index());
                if (e.id() != null) {
                    b.append(" (id ").append(e.id()).append(')');
                }
                b.append(": ").append(e.fields());
            }
            b.append(items.size() > 10 ? "; …]" : "]");
        }
        if (!fields.isEmpty()) {
            b.append(" fields ").append(fields);
        }
        return b.toString();
    }

    /** The rejected items, by their index in the batch sent; empty when Wazzup named none. */
    public List<ItemError> itemErrors() {
        return itemErrors;
    }

    /** Fields named for the request as a whole ({@code data.fields}); empty when none. */
    public List<String> fields() {
        return fields;
    }

    /** This error with item indexes moved by {@code offset} and ids resolved from the full list. */
    InvalidDataException shifted(int offset, List<String> ids) {
        List<ItemError> moved = itemErrors.stream().map(e -> {
            int index = e.index() + offset;
            String id = index >= 0 && index < ids.size() ? ids.get(index) : e.id();
            return new ItemError(index, id, e.fields());
        }).toList();
        InvalidDataException copy = this instanceof TooManyEntitiesException
                ? new TooManyEntitiesException(route(), status(), errorCode(), description(), data(), requestId())
                : new InvalidDataException(route(), status(), errorCode(), description(), data(), requestId(), moved, fields);
        return copy;
    }
}
