package io.pkgr.cli.runtime.python;

import io.pkgr.bundle.Sha256;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Assembles a venv from store entries the way uv does: the entries' files are reflinked where the
 * filesystem can clone, else hardlinked, else copied (a cache that spans filesystems), one
 * {@code cp -R} for all of them (a process that links 10,000 files in 0.4 s, where a cold JVM
 * linking file by file takes twice that); then the files an installer writes per environment are
 * written as real files: each dist-info's {@code RECORD} and {@code INSTALLER}, console and GUI
 * scripts and {@code .data/scripts} with this venv's interpreter in the shebang.
 */
final class VenvLinker {

    /** How store files reach the environment, best first. */
    enum Mode {
        CLONE, HARDLINK, COPY;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String INSTALLER = "pkgr\n";

    private final Path venv;
    private final Path site;
    private final Map<String, String> env;

    /** {@code python} is the interpreter's {@code X.Y}. */
    VenvLinker(Path venv, String python, Map<String, String> env) {
        this.venv = venv;
        this.site = venv.resolve("lib").resolve("python" + python).resolve("site-packages");
        this.env = env;
    }

    Path site() {
        return site;
    }

    /**
     * Links every entry into the venv and writes the per-environment files; returns the mode that
     * worked. The site-packages trees go in two halves (balanced by file count), one {@code cp} each,
     * side by side: linking is system-call bound, and a second core halves it.
     */
    Mode link(Collection<StoreLink> entries, Path probe) throws IOException {
        Mode mode = mode(probe);
        Files.createDirectories(site);
        List<List<Path>> halves = List.of(new ArrayList<>(), new ArrayList<>());
        long[] files = {0, 0};
        List<StoreLink> bySize = new ArrayList<>(entries);
        bySize.sort(java.util.Comparator.comparingInt(StoreLink::fileCount).reversed());
        for (StoreLink e : bySize) {
            int half = files[0] <= files[1] ? 0 : 1;
            halves.get(half).add(e.dir().resolve("site"));
            files[half] += e.fileCount();
            if (Files.isDirectory(e.dir().resolve("data"))) {
                mode = copyTrees(List.of(e.dir().resolve("data")), venv, mode);
            }
            if (Files.isDirectory(e.dir().resolve("headers"))) {
                mode = copyTrees(List.of(e.dir().resolve("headers")), headers(e), mode);
            }
        }
        if (halves.get(1).isEmpty() || sharedTopLevel(entries)) {
            halves.get(0).addAll(halves.get(1));
            mode = copyTrees(halves.get(0), site, mode);
        } else {
            Mode first = mode;
            java.util.concurrent.CompletableFuture<Mode> other = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return copyTrees(halves.get(1), site, first);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, runnable -> {
                Thread t = new Thread(runnable, "pkgr-link");
                t.setDaemon(true);
                t.start();
            });
            Mode mine = copyTrees(halves.get(0), site, mode);
            Mode theirs;
            try {
                theirs = other.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof java.io.UncheckedIOException io) {
                    throw io.getCause();
                }
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
            mode = Mode.values()[Math.max(mine.ordinal(), theirs.ordinal())];
        }
        for (StoreLink e : entries) {
            writeInstallerFiles(e);
        }
        return mode;
    }

    /** PKGR_LINK_MODE when set (clone, hardlink, copy); else the best {@code probe} (a store file) allows. */
    private Mode mode(Path probe) throws IOException {
        String asked = env.get("PKGR_LINK_MODE");
        if (asked != null && !asked.isEmpty()) {
            try {
                return Mode.valueOf(asked.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "PKGR_LINK_MODE must be clone, hardlink or copy, not '" + asked + "'");
            }
        }
        Files.createDirectories(venv);
        Path trial = venv.resolve(".pkgr-link-probe");
        try {
            // a file system that cannot clone is not asked (one process less per install)
            if (mayClone(probe) && cp(List.of("--reflink=always", probe.toString(), trial.toString()))) {
                return Mode.CLONE;
            }
            Files.deleteIfExists(trial);
            try {
                Files.createLink(trial, probe);
                return Mode.HARDLINK;
            } catch (IOException | UnsupportedOperationException e) {
                return Mode.COPY;
            }
        } finally {
            Files.deleteIfExists(trial);
        }
    }

    /** Whether two entries put something at the same top-level name of site-packages (a namespace package): then one cp. */
    private static boolean sharedTopLevel(Collection<StoreLink> entries) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (StoreLink e : entries) {
            for (String top : e.topLevel()) {
                if (!seen.add(top)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** False for the file systems known to have no reflinks (ext2/3/4, tmpfs); true for the others and when unknown. */
    private static boolean mayClone(Path file) {
        try {
            String type = Files.getFileStore(file).type();
            return !(type.startsWith("ext") || type.equals("tmpfs"));
        } catch (IOException e) {
            return true;
        }
    }

    /** Merges the trees' contents into {@code target} in {@code mode}, falling back to the next mode if it fails. */
    private Mode copyTrees(List<Path> trees, Path target, Mode mode) throws IOException {
        Files.createDirectories(target);
        for (Mode m = mode; ; m = Mode.values()[m.ordinal() + 1]) {
            List<String> args = new ArrayList<>(List.of("-R", "--preserve=timestamps", "--remove-destination"));
            args.add(switch (m) {
                case CLONE -> "--reflink=always";
                case HARDLINK -> "--link";
                case COPY -> "--reflink=auto";
            });
            trees.forEach(t -> args.add(t + "/."));
            args.add(target + "/");
            // a cp without GNU's options (BSD, busybox) fails every mode: Java links or copies file by file
            if (cp(args) || (m != Mode.CLONE && walk(trees, target, m))) {
                return m;
            }
            if (m == Mode.COPY) {
                throw new CliException(ExitCode.FAILURE, "cannot copy the wheel store's files into " + target);
            }
        }
    }

    /** Hardlinks or copies (keeping mtimes) every file of the trees into {@code target}; false if one fails. */
    private static boolean walk(List<Path> trees, Path target, Mode mode) {
        try {
            for (Path tree : trees) {
                try (Stream<Path> files = Files.walk(tree)) {
                    for (Path f : files.toList()) {
                        Path to = target.resolve(tree.relativize(f).toString());
                        if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                            Files.createDirectories(to);
                        } else if (mode == Mode.HARDLINK) {
                            Files.deleteIfExists(to);
                            Files.createLink(to, f);
                        } else {
                            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private boolean cp(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("cp");
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILURE, "interrupted while linking the environment");
        }
    }

    private Path headers(StoreLink e) {
        return venv.resolve("include").resolve("site").resolve("python" + e.python()).resolve(e.name());
    }

    /**
     * RECORD, INSTALLER and scripts: real files of this environment, never links into the store. The
     * RECORD lines of the linked files were rendered when the entry was sealed.
     */
    private void writeInstallerFiles(StoreLink e) throws IOException {
        Path info = site.resolve(e.distInfo());
        StringBuilder record = new StringBuilder(new String(e.recordLines(), StandardCharsets.UTF_8));
        for (String script : e.scripts()) {
            record.append(writeScript(script, rewriteShebang(Files.readAllBytes(e.dir().resolve("scripts").resolve(script)))));
        }
        for (Map.Entry<String, String> s : e.consoleScripts().entrySet()) {
            record.append(writeScript(s.getKey(), launcher(s.getValue())));
        }
        for (Map.Entry<String, String> s : e.guiScripts().entrySet()) {
            record.append(writeScript(s.getKey(), launcher(s.getValue())));
        }
        replace(info.resolve("INSTALLER"), INSTALLER.getBytes(StandardCharsets.UTF_8));
        record.append(csv(e.distInfo() + "/INSTALLER")).append(',').append(hash(INSTALLER.getBytes(StandardCharsets.UTF_8)))
                .append('\n');
        record.append(csv(e.distInfo() + "/RECORD")).append(",,\n");
        replace(info.resolve("RECORD"), record.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bin/NAME} (mode 755) and returns its RECORD line. */
    private String writeScript(String name, byte[] content) throws IOException {
        if (name.contains("/") || name.isEmpty() || name.equals("..")) {
            throw new CliException(ExitCode.INTEGRITY, "a wheel names the script '" + name + "', which is not a file name");
        }
        Path target = venv.resolve("bin").resolve(name);
        Files.createDirectories(target.getParent());
        replace(target, content);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return csv("../../../bin/" + name) + "," + hash(content) + "\n";
    }

    /** The wheel spec: a script whose first line is {@code #!python} (or {@code #!pythonw}) gets this venv's interpreter. */
    private byte[] rewriteShebang(byte[] script) {
        String head = new String(script, 0, Math.min(script.length, 9), StandardCharsets.ISO_8859_1);
        if (!head.startsWith("#!python")) {
            return script;
        }
        int eol = 0;
        while (eol < script.length && script[eol] != '\n') {
            eol++;
        }
        String first = new String(script, 0, eol, StandardCharsets.UTF_8);
        String args = first.substring(first.startsWith("#!pythonw") ? 9 : 8);
        byte[] shebang = (shebang() + args).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[shebang.length + script.length - eol];
        System.arraycopy(shebang, 0, out, 0, shebang.length);
        System.arraycopy(script, eol, out, shebang.length, script.length - eol);
        return out;
    }

    /**
     * The venv's interpreter as a shebang; a path the kernel cannot take (over 127 bytes, or with a
     * space) goes through {@code /bin/sh}, as pip and distlib do.
     */
    private String shebang() {
        String python = venv.resolve("bin").resolve("python").toString();
        if (python.length() + 2 <= 127 && !python.contains(" ")) {
            return "#!" + python;
        }
        return "#!/bin/sh\n'''exec' \"" + python + "\" \"$0\" \"$@\"\n' '''";
    }

    /** The launcher pip writes for a {@code module:attr} entry point. */
    private byte[] launcher(String value) {
        String spec = value.contains("[") ? value.substring(0, value.indexOf('[')).strip() : value.strip();
        String module = spec.contains(":") ? spec.substring(0, spec.indexOf(':')).strip() : spec;
        String attr = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1).strip() : "";
        String importLine;
        String call;
        if (attr.isEmpty()) {
            importLine = "import " + module;
            call = module;
        } else {
            String head = attr.contains(".") ? attr.substring(0, attr.indexOf('.')) : attr;
            importLine = "from " + module + " import " + head;
            call = attr;
        }
        String text = shebang() + "\n"
                + "# -*- coding: utf-8 -*-\n"
                + "import re\n"
                + "import sys\n"
                + importLine + "\n"
                + "if __name__ == \"__main__\":\n"
                + "    sys.argv[0] = re.sub(r\"(-script\\.pyw|\\.exe)?$\", \"\", sys.argv[0])\n"
                + "    sys.exit(" + call + "())\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Removes whatever is at {@code target} (a link into the store) and writes a file of this environment. */
    private static void replace(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".pkgr-tmp");
        Files.write(temp, content);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code sha256=URLSAFE-BASE64,SIZE}, as RECORD has it. */
    static String hash(byte[] content) {
        return "sha256=" + Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.ofBytes(content).bytes()) + ","
                + content.length;
    }

    static String csv(String field) {
        return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }
}
