package io.pkgr.cli.run;

import io.pkgr.bundle.BoolStyle;
import io.pkgr.bundle.Entrypoint;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Param;
import io.pkgr.bundle.ParamType;
import io.pkgr.cli.install.ResolvedBundle;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pkgr run NAME==VERSION [ENTRYPOINT] --help}: what the entrypoints take, read from the
 * version record's manifest, so it costs no download. The entrypoint's own {@code --help} is not
 * run: its parameters are the contract pkgr checks, and they are all here.
 */
final class EntrypointHelp {

    private static final List<String> HELP = List.of("--help", "-h");

    private EntrypointHelp() {
    }

    /** Help is asked for: as the entrypoint word, or as a parameter the entrypoint does not declare itself. */
    static boolean asked(Manifest manifest, String entrypoint, List<String> rest) {
        if (HELP.contains(entrypoint)) {
            return true;
        }
        Entrypoint e = manifest.entrypoints().get(entrypoint);
        boolean ownHelp = e != null && e.params().containsKey("help");
        // "--name -h" gives --name the value -h; a word starting with -- is never a value
        return !ownHelp && (rest.contains("--help") || (!rest.isEmpty() && rest.get(0).equals("-h")));
    }

    static void print(PrintWriter out, ResolvedBundle bundle, String entrypoint) {
        Manifest manifest = bundle.manifest();
        if (HELP.contains(entrypoint)) {
            printEntrypoints(out, bundle);
        } else {
            printEntrypoint(out, bundle, entrypoint, manifest.entrypoint(entrypoint));
        }
        out.flush();
    }

    private static void printEntrypoints(PrintWriter out, ResolvedBundle bundle) {
        Manifest manifest = bundle.manifest();
        out.println(bundle + (manifest.description().isEmpty() ? "" : ": " + manifest.description()));
        out.println("entrypoints:");
        int width = manifest.entrypoints().keySet().stream().mapToInt(String::length).max().orElse(0);
        manifest.entrypoints().forEach((name, e) -> out.println("  " + pad(name, width)
                + (e.description().isEmpty() ? "" : "  " + e.description())));
        out.println("Parameters of one: pkgr run " + bundle.name() + "==" + bundle.version() + " ENTRYPOINT --help");
    }

    private static void printEntrypoint(PrintWriter out, ResolvedBundle bundle, String name, Entrypoint e) {
        out.println(bundle + " " + name + (e.description().isEmpty() ? "" : ": " + e.description()));
        out.println("command: " + String.join(" ", e.command()));
        if (e.params().isEmpty()) {
            out.println("parameters: none");
            return;
        }
        out.println("parameters (the command gets them as --name=value, sorted by name"
                + (hasBool(e) ? "; bools as " + boolForm(e.booleans()) : "") + "):");
        int width = e.params().entrySet().stream().mapToInt(p -> label(p.getKey(), p.getValue()).length()).max().orElse(0);
        for (Map.Entry<String, Param> p : e.params().entrySet()) {
            out.println("  " + pad(label(p.getKey(), p.getValue()), width) + "  " + detail(p.getValue()));
        }
    }

    private static String label(String name, Param p) {
        return "--" + name + "=" + p.type().id().toUpperCase(Locale.ROOT);
    }

    private static String detail(Param p) {
        StringBuilder s = new StringBuilder(p.required() ? "required" : p.defaultValue() != null
                ? "default " + p.defaultValue() : "optional");
        if (!p.choices().isEmpty()) {
            s.append("; one of ").append(String.join(", ", p.choices()));
        }
        if (!p.description().isEmpty()) {
            s.append("; ").append(p.description());
        }
        return s.toString();
    }

    private static boolean hasBool(Entrypoint e) {
        return e.params().values().stream().anyMatch(p -> p.type() == ParamType.BOOL);
    }

    private static String boolForm(BoolStyle style) {
        return switch (style) {
            case FIRE -> "--x=True/--x=False";
            case FLAG -> "--x/--no-x";
            case SWITCH -> "--x when true, nothing when false";
            case VALUE -> "--x=true/--x=false";
        };
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
