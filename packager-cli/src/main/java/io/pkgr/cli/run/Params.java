package io.pkgr.cli.run;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The entrypoint parameters after ENTRYPOINT: {@code --name=value}, {@code --name value}, or a bare {@code --flag} (true). */
final class Params {

    private Params() {
    }

    static Map<String, String> parse(List<String> words) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("--") || w.length() == 2) {
                throw new CliException(ExitCode.USAGE, "unexpected argument '" + w + "': entrypoint parameters are"
                        + " --name=value (pkgr's own options go before the bundle)");
            }
            String name;
            String value;
            int eq = w.indexOf('=');
            if (eq > 0) {
                name = w.substring(2, eq);
                value = w.substring(eq + 1);
            } else if (i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
                name = w.substring(2);
                value = words.get(++i);
            } else {
                name = w.substring(2);
                value = "true";
            }
            if (params.put(name, value) != null) {
                throw new CliException(ExitCode.USAGE, "parameter --" + name + " given twice");
            }
        }
        return params;
    }
}
