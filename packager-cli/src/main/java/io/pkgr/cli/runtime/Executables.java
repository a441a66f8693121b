package io.pkgr.cli.runtime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finding a command on a PATH. */
public final class Executables {

    private Executables() {
    }

    /** ProcessBuilder resolves bare names against pkgr's PATH, not the child's: resolve here. Null when absent. */
    public static String which(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
