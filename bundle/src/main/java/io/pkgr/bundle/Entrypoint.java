package io.pkgr.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A named command of a bundle with its typed parameters.
 *
 * <p>Parameters are kept sorted by name, whether read from {@code pkgr.yaml} or {@code pkgr.json}:
 * the canonical {@code pkgr.json} sorts its keys (so the digest does not depend on how the YAML
 * was written), which loses the declaration order, and arguments are named, so no CLI library
 * reads meaning into their order. One order everywhere is what {@code pkgr build} and
 * {@code pkgr run} can both promise.
 *
 * @param booleans how bool parameters are written on the command line (never null)
 */
public record Entrypoint(List<String> command, Map<String, Param> params, String description, BoolStyle booleans) {

    public Entrypoint {
        command = List.copyOf(command);
        params = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(params));
        description = description == null ? "" : description;
        if (booleans == null) {
            throw new IllegalArgumentException("booleans");
        }
    }

    /**
     * Checks the given {@code --name=value} parameters and returns the full argument list for the
     * command: every given or defaulted parameter, sorted by name, as {@code --name=value} (a bool
     * as its {@link BoolStyle} says). Values are passed as given once valid (see {@link ParamType#check}),
     * except that the {@code fire} style quotes text values so that Fire does not re-parse them.
     *
     * @throws BundleException INVALID_PARAM naming the first unknown, missing or ill-typed parameter
     */
    public List<String> arguments(Map<String, String> given) {
        for (String name : given.keySet()) {
            if (!params.containsKey(name)) {
                throw new BundleException(BundleException.Code.INVALID_PARAM,
                        "unknown parameter --" + Text.printable(name) + unknownHint(name));
            }
        }
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, Param> e : params.entrySet()) {
            String name = e.getKey();
            String value = value(name, e.getValue(), given.get(name));
            if (value == null) {
                continue;
            }
            String arg = e.getValue().type() == ParamType.BOOL ? booleans.render(name, Boolean.parseBoolean(value))
                    : booleans.render(name, e.getValue().type(), value);
            if (arg != null) {
                args.add(arg);
            }
        }
        return args;
    }

    /** The checked value of one parameter: given, else its default; null when neither (and not required). */
    private static String value(String name, Param p, String given) {
        if (given == null) {
            if (p.required()) {
                throw new BundleException(BundleException.Code.INVALID_PARAM,
                        "missing required parameter --" + name + " (" + p.type().id() + ")");
            }
            return p.defaultValue();
        }
        try {
            return p.check(given);
        } catch (IllegalArgumentException ex) {
            throw new BundleException(BundleException.Code.INVALID_PARAM, "parameter --" + name + ": " + ex.getMessage());
        }
    }

    private String unknownHint(String name) {
        return params.keySet().stream().filter(p -> Spelling.distance(p, name) <= 2).findFirst()
                .map(p -> " (did you mean --" + p + "?)")
                .orElse(params.isEmpty() ? " (this entrypoint takes no parameters)"
                        : " (known: " + String.join(", ", params.keySet().stream().map(p -> "--" + p).toList()) + ")");
    }
}
