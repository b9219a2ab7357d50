package dev.crmbridge.wazzup.emulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps a method and a path such as {@code /v3/contacts/{id}} to a handler. */
final class Router {

    interface Handler {
        Resp handle(Req req) throws Exception;
    }

    /** One registered route; {@code key} is "METHOD /pattern", the name faults and the journal use. */
    record Route(String method, String pattern, String[] segments, Handler handler, boolean api) {
        String key() {
            return method + " " + pattern;
        }
    }

    record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    void api(String method, String pattern, Handler handler) {
        routes.add(new Route(method, pattern, split(pattern), handler, true));
    }

    void control(String method, String pattern, Handler handler) {
        routes.add(new Route(method, pattern, split(pattern), handler, false));
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The matching route, or null. */
    Match match(String method, String path) {
        String[] parts = split(path);
        for (Route r : routes) {
            if (!r.method.equals(method) || r.segments.length != parts.length) {
                continue;
            }
            Map<String, String> params = null;
            boolean ok = true;
            for (int i = 0; i < parts.length && ok; i++) {
                String seg = r.segments[i];
                if (seg.startsWith("{")) {
                    if (parts[i].isEmpty()) {
                        ok = false;
                    } else {
                        if (params == null) {
                            params = new HashMap<>();
                        }
                        params.put(seg.substring(1, seg.length() - 1), decode(parts[i]));
                    }
                } else if (!seg.equals(parts[i])) {
                    ok = false;
                }
            }
            if (ok) {
                return new Match(r, params == null ? Map.of() : params);
            }
        }
        return null;
    }

    private static String decode(String segment) {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String[] split(String path) {
        String p = path;
        // "/v3/connect/" and "/v3/connect" are the same route
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.substring(1).split("/", -1);
    }
}
