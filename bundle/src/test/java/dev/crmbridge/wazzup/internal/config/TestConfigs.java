package dev.crmbridge.wazzup.internal.config;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds configuration-annotation instances in tests, as DS would from ConfigAdmin properties. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * An instance of {@code type} whose methods return {@code values.get(methodName)}, or the
     * annotation's default when the map has no entry.
     */
    public static <A> A of(Class<A> type, Map<String, ?> values) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> type.getSimpleName() + values.keySet();
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> throw new IllegalStateException(method.getName());
                };
            }
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            Object def = method.getDefaultValue();
            if (def == null) {
                throw new IllegalStateException("no value and no default for " + method.getName());
            }
            return def;
        });
        return type.cast(proxy);
    }
}
