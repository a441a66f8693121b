package io.pkgr.bundle;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a {@code bool} parameter reaches the entrypoint's command line. No single form is read as
 * meant by every CLI library (checked against Python Fire 0.5, click 8.1, typer 0.7 and argparse):
 * Fire reads {@code --x=false} as the truthy string {@code 'false'} and rejects {@code --no-x};
 * click/typer bool flags and argparse's {@code BooleanOptionalAction} refuse any {@code =value};
 * argparse {@code store_true} takes the bare flag only. So an entrypoint says which form it wants.
 */
public enum BoolStyle {
    /** {@code --x=True} / {@code --x=False}: Python literals (Fire; also click {@code type=bool} options). */
    FIRE,
    /** {@code --x} / {@code --no-x}: click and typer bool flags, argparse {@code BooleanOptionalAction}. */
    FLAG,
    /** {@code --x} / nothing: argparse {@code store_true}, click {@code is_flag} (the program's default must be false). */
    SWITCH,
    /** {@code --x=true} / {@code --x=false}: picocli, shell scripts, click {@code type=bool} options. */
    VALUE;

    /** The name used in {@code pkgr.yaml}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BoolStyle fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    static List<String> ids() {
        return Arrays.stream(values()).map(BoolStyle::id).toList();
    }

    /**
     * The style when an entrypoint names none: Fire's for python (the one-Fire-CLI-per-step
     * pattern pipelines come from), {@code true}/{@code false} values for jvm and exec.
     */
    public static BoolStyle defaultFor(Runtime runtime) {
        return runtime == Runtime.PYTHON ? FIRE : VALUE;
    }

    /** The argument for parameter {@code name} with the normalised value {@code "true"}/{@code "false"}, or null for none. */
    String render(String name, boolean value) {
        return switch (this) {
            case FIRE -> "--" + name + "=" + (value ? "True" : "False");
            case FLAG -> value ? "--" + name : "--no-" + name;
            case SWITCH -> value ? "--" + name : null;
            case VALUE -> "--" + name + "=" + value;
        };
    }
}
