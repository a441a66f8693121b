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

    /** Edit distance, for "did you mean" hints. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
