package io.pkgr.bundle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A named command of a bundle with its typed parameters (kept in declaration order). */
public record Entrypoint(List<String> command, Map<String, Param> params, String description) {

    public Entrypoint {
        command = List.copyOf(command);
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        description = description == null ? "" : description;
    }

    /**
     * Checks the given {@code --name=value} parameters and returns the full argument list for the
     * command: every given or defaulted parameter as {@code --name=value}, in declaration order.
     *
     * @throws BundleException INVALID_PARAM naming the first unknown, missing or ill-typed parameter
     */
    public List<String> arguments(Map<String, String> given) {
        for (String name : given.keySet()) {
            if (!params.containsKey(name)) {
                String hint = params.keySet().stream().filter(p -> Spelling.distance(p, name) <= 2).findFirst()
                        .map(p -> " (did you mean --" + p + "?)")
                        .orElse(params.isEmpty() ? " (this entrypoint takes no parameters)"
                                : " (known: " + String.join(", ", params.keySet().stream().map(p -> "--" + p).toList()) + ")");
                throw new BundleException(BundleException.Code.INVALID_PARAM,
                        "unknown parameter --" + Text.printable(name) + hint);
            }
        }
        List<String> args = new java.util.ArrayList<>();
        for (Map.Entry<String, Param> e : params.entrySet()) {
            String name = e.getKey();
            Param p = e.getValue();
            String value = given.get(name);
            if (value == null) {
                if (p.required()) {
                    throw new BundleException(BundleException.Code.INVALID_PARAM,
                            "missing required parameter --" + name + " (" + p.type().id() + ")");
                }
                if (p.defaultValue() == null) {
                    continue;
                }
                value = p.defaultValue();
            } else {
                try {
                    value = p.check(value);
                } catch (IllegalArgumentException ex) {
                    throw new BundleException(BundleException.Code.INVALID_PARAM,
                            "parameter --" + name + ": " + ex.getMessage());
                }
            }
            args.add("--" + name + "=" + value);
        }
        return args;
    }
}
