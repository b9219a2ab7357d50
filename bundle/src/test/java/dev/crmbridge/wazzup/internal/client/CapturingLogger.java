package dev.crmbridge.wazzup.internal.client;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger with every level on that keeps each formatted line (message, arguments and any
 * throwable with its causes), for tests that read what would have been logged.
 */
final class CapturingLogger {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;

    CapturingLogger() {
        logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.startsWith("is") && name.endsWith("Enabled")) {
                        return true;
                    }
                    if (name.equals("getName")) {
                        return "capture";
                    }
                    if (args == null || args.length == 0 || method.getDeclaringClass() == Object.class) {
                        return name.equals("toString") ? "CapturingLogger" : name.equals("hashCode") ? 0 : null;
                    }
                    int first = args[0] instanceof String ? 0 : 1; // skip a Marker
                    String pattern = String.valueOf(args[first]);
                    Object[] rest = java.util.Arrays.copyOfRange(args, first + 1, args.length);
                    if (rest.length == 1 && rest[0] instanceof Object[] array) {
                        rest = array;
                    }
                    var formatted = MessageFormatter.arrayFormat(pattern, rest);
                    StringBuilder line = new StringBuilder(name.toUpperCase()).append(' ').append(formatted.getMessage());
                    Throwable t = formatted.getThrowable();
                    for (Object a : rest) {
                        if (a instanceof Throwable th) {
                            t = th;
                        }
                    }
                    for (; t != null; t = t.getCause()) {
                        line.append(" | ").append(t);
                    }
                    lines.add(line.toString());
                    return null;
                });
    }

    Logger logger() {
        return logger;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }
}
