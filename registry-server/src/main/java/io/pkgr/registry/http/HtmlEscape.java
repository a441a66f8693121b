package io.pkgr.registry.http;

/** HTML escaping of text and attribute values, for every page the registry renders. */
public final class HtmlEscape {

    private HtmlEscape() {
    }

    /** Appends {@code text} to {@code out} with {@code & < > " '} escaped; returns {@code out}. */
    public static StringBuilder append(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out;
    }
}
