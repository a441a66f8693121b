package io.pkgr.registry.web;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Writes HTML where every value is escaped for the place it goes, by construction: text and
 * attribute values are entity-escaped, URL attributes accept only relative references or
 * http(s) (a {@code javascript:} link from a manifest becomes {@code #}); markup comes only from
 * tag names and the skeleton's literals ({@link #constant}), never from a value. Pages carry no inline script or style (the Content-Security-Policy
 * forbids both), so there is no script or CSS context to get wrong.
 */
final class Html {

    private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "formaction");
    private static final Set<String> VOID = Set.of("meta", "link", "input", "br", "hr", "img");

    private final StringBuilder out;

    Html(int capacity) {
        out = new StringBuilder(capacity);
    }

    /** Opens {@code tag} with attribute name/value pairs; a null value leaves the attribute out, "" writes it bare. */
    Html open(String tag, String... attributes) {
        out.append('<').append(tag);
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            String name = attributes[i];
            String value = attributes[i + 1];
            if (value == null) {
                continue;
            }
            out.append(' ').append(name);
            if (!value.isEmpty() || URL_ATTRIBUTES.contains(name)) {
                out.append("=\"");
                escape(URL_ATTRIBUTES.contains(name) ? safeUrl(value) : value);
                out.append('"');
            }
        }
        out.append('>');
        return this;
    }

    Html close(String tag) {
        if (!VOID.contains(tag)) {
            out.append("</").append(tag).append('>');
        }
        return this;
    }

    /** {@code <tag attrs>text</tag>}. */
    Html element(String tag, String text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    Html text(String text) {
        if (text != null) {
            escape(text);
        }
        return this;
    }

    /** A line break in the source, for readable pages; never inside {@code pre}. */
    Html nl() {
        out.append('\n');
        return this;
    }

    /** Literal markup: for the page skeleton's string constants only, never for a value. */
    Html constant(String markup) {
        out.append(markup);
        return this;
    }

    /** Whatever another {@code Html} wrote (already escaped there). */
    Html append(Html other) {
        out.append(other.out);
        return this;
    }

    byte[] bytes() {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /**
     * {@code url} when it is a relative reference or an http(s) URL, else {@code #}: a scheme such
     * as {@code javascript:} or {@code data:} never reaches an attribute that navigates.
     */
    static String safeUrl(String url) {
        String trimmed = url.strip();
        int colon = trimmed.indexOf(':');
        int slash = trimmed.indexOf('/');
        int question = trimmed.indexOf('?');
        int hash = trimmed.indexOf('#');
        boolean hasScheme = colon >= 0 && (slash < 0 || colon < slash) && (question < 0 || colon < question)
                && (hash < 0 || colon < hash);
        if (!hasScheme) {
            return trimmed.startsWith("//") || trimmed.startsWith("\\") ? "#" : trimmed;
        }
        String scheme = trimmed.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https") ? trimmed : "#";
    }

    private void escape(String text) {
        io.pkgr.registry.http.HtmlEscape.append(out, text);
    }
}
