package io.pkgr.bundle;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a {@code bool} parameter reaches the entrypoint's command line. No single form is read as
 * meant by every CLI library (checked against Debian 12's Fire, click and typer, and argparse):
 * Fire reads {@code --x=false} as the truthy string {@code 'false'} and rejects {@code --no-x};
 * click/typer bool flags and argparse's {@code BooleanOptionalAction} refuse any {@code =value};
 * argparse {@code store_true} takes the bare flag only. So an entrypoint says which form it wants.
 *
 * <p>The {@code fire} style also decides how other values are written, since Fire reads every value
 * as a Python literal: {@code --id=12345} would reach the program as an int, {@code None} as None.
 * See {@link #render(String, ParamType, String)}.
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

    /**
     * The argument for a non-bool parameter with its checked value. Under {@code fire}, string, enum,
     * date and datetime values are written as quoted Python string literals ({@code --id='12345'}),
     * which Fire reads as exactly that string; numbers and JSON stay literals for Fire to parse.
     * The other styles pass every value as given.
     */
    String render(String name, ParamType type, String value) {
        boolean text = type == ParamType.STRING || type == ParamType.ENUM || type == ParamType.DATE
                || type == ParamType.DATETIME;
        return "--" + name + "=" + (this == FIRE && text ? pythonString(value) : value);
    }

    /** A single-quoted Python string literal of {@code s}, escaped like repr(): no byte of it is lost or read as code. */
    static String pythonString(String s) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('\'').toString();
    }
}
