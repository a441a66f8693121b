package io.pkgr.registry.pypi;

import java.util.Locale;

/**
 * The representations of the simple API and how a client's {@code Accept} header picks one
 * (PEP 691): the highest q-value wins, a type named exactly beats a wildcard at the same q, and
 * remaining ties go to HTML, so {@code *}{@code /*} (poetry 1.3) and no header at all get PEP 503 HTML.
 */
enum SimpleFormat {
    HTML("text/html; charset=utf-8", "text/html"),
    HTML_V1("application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.v1+html"),
    JSON_V1("application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.v1+json");

    private static final int MAX_ACCEPT = 4096;

    final String contentType;
    private final String mediaType;

    SimpleFormat(String contentType, String mediaType) {
        this.contentType = contentType;
        this.mediaType = mediaType;
    }

    boolean json() {
        return this == JSON_V1;
    }

    /** The format for {@code accept} (null when absent); HTML when the client accepts none of them. */
    static SimpleFormat negotiate(String accept) {
        if (accept == null || accept.isBlank() || accept.length() > MAX_ACCEPT) {
            return HTML;
        }
        SimpleFormat best = null;
        double bestQ = 0;
        int bestSpecificity = -1;
        for (SimpleFormat format : values()) {
            double q = -1;
            int specificity = -1;
            for (String range : accept.split(",")) {
                String[] params = range.split(";");
                String type = params[0].trim().toLowerCase(Locale.ROOT);
                int s = format.matches(type);
                if (s > specificity) {
                    specificity = s;
                    q = quality(params);
                }
            }
            if (specificity < 0 || q <= 0) {
                continue;
            }
            if (q > bestQ || (q == bestQ && specificity > bestSpecificity)) {
                best = format;
                bestQ = q;
                bestSpecificity = specificity;
            }
        }
        // PEP 691 lets a server answer its default instead of 406: older clients get something they can read
        return best == null ? HTML : best;
    }

    /** 2 for an exact match, 1 for {@code type/*}, 0 for {@code *}{@code /*}, -1 for none. */
    private int matches(String range) {
        if (range.equals(mediaType) || (this == JSON_V1 && range.equals("application/vnd.pypi.simple.latest+json"))
                || (this == HTML_V1 && range.equals("application/vnd.pypi.simple.latest+html"))) {
            return 2;
        }
        if (range.equals("*/*")) {
            return 0;
        }
        if (range.endsWith("/*") && mediaType.startsWith(range.substring(0, range.length() - 1))) {
            return 1;
        }
        return -1;
    }

    private static double quality(String[] params) {
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(p.substring(2).trim());
                    return Double.isNaN(q) ? 0 : Math.max(0, Math.min(1, q));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
