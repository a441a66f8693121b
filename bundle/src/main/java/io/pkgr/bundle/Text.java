package io.pkgr.bundle;

/** Small text helpers for error messages. */
final class Text {

    private Text() {
    }

    /** Makes untrusted text safe to put in a one-line message: control characters escaped, length capped. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        int limit = Math.min(s.length(), 120);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (s.length() > limit) {
            out.append("…");
        }
        return out.toString();
    }
}
