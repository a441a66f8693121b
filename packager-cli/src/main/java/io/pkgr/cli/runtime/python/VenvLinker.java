package io.pkgr.cli.runtime.python;

import io.pkgr.bundle.Sha256;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    private static final String INSTALLER_HASH = hash(INSTALLER.getBytes(StandardCharsets.UTF_8));

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
     * Links every entry into the venv once {@code venvReady} has returned, and writes the
     * per-environment files; returns the mode that worked.
     */
    Mode link(Collection<StoreLink> entries, Path probe, Runnable venvReady) throws IOException {
        try (Linking linking = start(entries, probe, venvReady)) {
            return linking.finish();
        }
    }

    /**
     * Starts linking in the background, once {@code venvReady} has returned: probes the mode, links
     * the entries' {@code data/} and {@code headers/} trees, then site-packages in two halves
     * (balanced by file count), one {@code cp} each, side by side: linking is system-call bound, and
     * a second core halves it. Entries that put something at the same top-level name (a namespace
     * package, or the {@code __pycache__} of two single-module wheels) go to the same half, so two
     * processes never create one directory. {@link Linking#finish} renders the installer's files
     * meanwhile.
     */
    Linking start(Collection<StoreLink> entries, Path probe, Runnable venvReady) {
        List<StoreLink> linked = List.copyOf(entries);
        List<List<Path>> halves = List.of(new ArrayList<>(), new ArrayList<>());
        long[] files = {0, 0};
        for (List<StoreLink> group : groups(linked)) {
            int half = files[0] <= files[1] ? 0 : 1;
            for (StoreLink e : group) {
                halves.get(half).add(e.dir().resolve("site"));
                files[half] += e.fileCount();
            }
        }
        CompletableFuture<Mode> trees = CompletableFuture.supplyAsync(() -> {
            try {
                venvReady.run();
                Mode mode = mode(probe);
                Files.createDirectories(site);
                for (StoreLink e : linked) {
                    if (Files.isDirectory(e.dir().resolve("data"))) {
                        mode = copyTrees(List.of(e.dir().resolve("data")), venv, mode);
                    }
                    if (Files.isDirectory(e.dir().resolve("headers"))) {
                        mode = copyTrees(List.of(e.dir().resolve("headers")), headers(e), mode);
                    }
                }
                if (halves.get(1).isEmpty()) {
                    return copyTrees(halves.get(0), site, mode);
                }
                Mode first = mode;
                CompletableFuture<Mode> other = CompletableFuture.supplyAsync(() -> copy(halves.get(1), first),
                        VenvLinker::thread);
                Mode mine;
                try {
                    mine = copy(halves.get(0), first);
                } finally {
                    other.exceptionally(e -> null).join();
                }
                Mode theirs = join(other);
                return Mode.values()[Math.max(mine.ordinal(), theirs.ordinal())];
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, VenvLinker::thread);
        return new Linking(linked, trees);
    }

    /**
     * Links started by {@link #start}; closing waits for them (a failed install deletes the directory:
     * nothing may still be writing into it).
     */
    final class Linking implements AutoCloseable {
        private final List<StoreLink> entries;
        private final CompletableFuture<Mode> trees;

        private Linking(List<StoreLink> entries, CompletableFuture<Mode> trees) {
            this.entries = entries;
            this.trees = trees;
        }

        /**
         * Renders the installer's files while the trees are linked, then writes them: scripts, and
         * each dist-info's INSTALLER and RECORD (which replace the links to the store's). Returns
         * the mode that worked.
         */
        Mode finish() throws IOException {
            List<InstallerFiles> installer = new ArrayList<>();
            for (StoreLink e : entries) {
                installer.add(installerFiles(e));
            }
            Mode mode = join(trees);
            for (InstallerFiles files : installer) {
                write(files);
            }
            return mode;
        }

        @Override
        public void close() {
            trees.exceptionally(e -> null).join();
        }
    }

    /** The entries in groups that share no top-level name with each other, largest (by files) first. */
    static List<List<StoreLink>> groups(Collection<StoreLink> entries) {
        List<List<StoreLink>> groups = new ArrayList<>();
        Map<String, List<StoreLink>> byTop = new HashMap<>();
        for (StoreLink e : entries) {
            List<StoreLink> group = new ArrayList<>(List.of(e));
            for (String top : e.topLevel()) {
                List<StoreLink> other = byTop.get(top);
                if (other != null && other != group) {
                    group.addAll(other);
                    groups.removeIf(g -> g == other);
                    other.forEach(member -> member.topLevel().forEach(t -> byTop.put(t, group)));
                }
            }
            e.topLevel().forEach(top -> byTop.put(top, group));
            groups.add(group);
        }
        groups.sort(Comparator.comparingLong((List<StoreLink> g) -> g.stream().mapToLong(StoreLink::fileCount).sum())
                .reversed());
        return groups;
    }

    private Mode copy(List<Path> trees, Mode mode) {
        try {
            return copyTrees(trees, site, mode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A thread of its own: each mostly waits for a {@code cp}, and the common pool may have one worker. */
    private static void thread(Runnable runnable) {
        Thread t = new Thread(runnable, "pkgr-link");
        t.setDaemon(true);
        t.start();
    }

    /** Waits for linking that ran beside, rethrowing its failure as it was. */
    private static Mode join(CompletableFuture<Mode> step) throws IOException {
        try {
            return step.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
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

    /** What an installer writes for one entry: its scripts ({@code bin/NAME}) and its dist-info's RECORD. */
    private record InstallerFiles(StoreLink entry, Map<String, byte[]> scripts, byte[] record) {
    }

    /**
     * The entry's scripts and its RECORD: the lines of the linked files (rendered when the entry was
     * sealed), the scripts', INSTALLER's and RECORD's own.
     */
    private InstallerFiles installerFiles(StoreLink e) throws IOException {
        Map<String, byte[]> scripts = new LinkedHashMap<>();
        for (String script : e.scripts()) {
            scripts.put(script, rewriteShebang(Files.readAllBytes(e.dir().resolve("scripts").resolve(script))));
        }
        for (Map.Entry<String, String> s : e.consoleScripts().entrySet()) {
            scripts.put(s.getKey(), launcher(s.getValue()));
        }
        for (Map.Entry<String, String> s : e.guiScripts().entrySet()) {
            scripts.put(s.getKey(), launcher(s.getValue()));
        }
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, byte[]> s : scripts.entrySet()) {
            String name = s.getKey();
            if (name.contains("/") || name.isEmpty() || name.equals("..")) {
                throw new CliException(ExitCode.INTEGRITY, "a wheel names the script '" + name + "', which is not a file name");
            }
            lines.append(csv("../../../bin/" + name)).append(',').append(hash(s.getValue())).append('\n');
        }
        lines.append(csv(e.distInfo() + "/INSTALLER")).append(',').append(INSTALLER_HASH).append('\n');
        lines.append(csv(e.distInfo() + "/RECORD")).append(",,\n");
        byte[] linked = e.recordLines();
        byte[] own = lines.toString().getBytes(StandardCharsets.UTF_8);
        byte[] record = Arrays.copyOf(linked, linked.length + own.length);
        System.arraycopy(own, 0, record, linked.length, own.length);
        return new InstallerFiles(e, scripts, record);
    }

    /** Scripts, INSTALLER and RECORD: real files of this environment, never links into the store. */
    private void write(InstallerFiles files) throws IOException {
        for (Map.Entry<String, byte[]> s : files.scripts().entrySet()) {
            Path target = venv.resolve("bin").resolve(s.getKey());
            Files.createDirectories(target.getParent());
            replace(target, s.getValue());
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path info = site.resolve(files.entry().distInfo());
        replace(info.resolve("INSTALLER"), INSTALLER.getBytes(StandardCharsets.UTF_8));
        replace(info.resolve("RECORD"), files.record());
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
