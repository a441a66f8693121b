package io.pkgr.auth;

/** The base-64 alphabet of bcrypt ({@code ./A-Za-z0-9}, no padding), which is not RFC 4648's. */
final class BcryptBase64 {
    private static final char[] ALPHABET =
            "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final byte[] INDEX = new byte[128];

    static {
        java.util.Arrays.fill(INDEX, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            INDEX[ALPHABET[i]] = (byte) i;
        }
    }

    private BcryptBase64() {
    }

    /** Decodes {@code length} bytes from {@code s}; throws IllegalArgumentException on a bad character. */
    static byte[] decode(String s, int length) {
        byte[] out = new byte[length];
        int o = 0;
        int i = 0;
        while (o < length) {
            int c1 = value(s, i++);
            int c2 = value(s, i++);
            out[o++] = (byte) ((c1 << 2) | ((c2 & 0x30) >> 4));
            if (o >= length) {
                break;
            }
            int c3 = value(s, i++);
            out[o++] = (byte) (((c2 & 0x0f) << 4) | ((c3 & 0x3c) >> 2));
            if (o >= length) {
                break;
            }
            int c4 = value(s, i++);
            out[o++] = (byte) (((c3 & 0x03) << 6) | c4);
        }
        return out;
    }

    private static int value(String s, int i) {
        char c = s.charAt(i);
        int v = c < 128 ? INDEX[c] : -1;
        if (v < 0) {
            throw new IllegalArgumentException("not a bcrypt base-64 character at " + i);
        }
        return v;
    }
}
