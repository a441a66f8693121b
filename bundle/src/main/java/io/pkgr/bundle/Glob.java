package io.pkgr.bundle;

import java.util.regex.Pattern;

/**
 * A gitignore-style path pattern: {@code *} and {@code ?} stay within one directory, {@code **}
 * crosses directories ({@code src/**}, {@code **}{@code /__pycache__/**}).
 */
final class Glob {

    private final Pattern regex;

    private Glob(Pattern regex) {
        this.regex = regex;
    }

    static Glob compile(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (glob.startsWith("**/", i)) {
                re.append("(?:.*/)?");
                i += 3;
            } else if (glob.startsWith("/**", i) && i + 3 == glob.length()) {
                re.append("(?:/.*)?");
                i += 3;
            } else if (glob.startsWith("**", i)) {
                re.append(".*");
                i += 2;
            } else if (c == '*') {
                re.append("[^/]*");
                i++;
            } else if (c == '?') {
                re.append("[^/]");
                i++;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return new Glob(Pattern.compile(re.toString()));
    }

    boolean matches(String relativePath) {
        return regex.matcher(relativePath).matches();
    }
}
