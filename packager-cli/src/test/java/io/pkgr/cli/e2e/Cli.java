package io.pkgr.cli.e2e;

import io.pkgr.cli.Main;
import io.pkgr.cli.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** The pkgr CLI run in-process with its own config dir, cache dir, working dir and environment. */
final class Cli {

    final Map<String, String> env = new HashMap<>();
    Path workingDir;

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Cli(Path home) {
        env.put("PKGR_CONFIG_DIR", home.resolve("config").toString());
        env.put("PKGR_CACHE_DIR", home.resolve("cache").toString());
        env.put("PATH", System.getenv("PATH"));
        workingDir = home;
    }

    Cli in(Path dir) {
        workingDir = dir;
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new Settings(Map.copyOf(env), Path.of(System.getProperty("user.home")), workingDir), args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
