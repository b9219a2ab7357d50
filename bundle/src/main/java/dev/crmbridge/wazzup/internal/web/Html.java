package dev.crmbridge.wazzup.internal.web;

/** Text for HTML: the connector's pages and markup put nothing unescaped into either. */
public final class Html {

    private Html() {
    }

    /** Escapes {@code & < > " '} for element content and quoted attribute values. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
