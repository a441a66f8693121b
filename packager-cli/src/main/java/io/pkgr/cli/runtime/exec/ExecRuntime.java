package io.pkgr.cli.runtime.exec;

import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Runtime;
import io.pkgr.cli.runtime.DependencySources;
import io.pkgr.cli.runtime.RuntimeSupport;
import java.nio.file.Path;
import java.util.Map;

/** exec: the files as they are; nothing to vendor or prepare, the command runs as written. */
public final class ExecRuntime implements RuntimeSupport {

    @Override
    public Runtime runtime() {
        return Runtime.EXEC;
    }

    @Override
    public Map<String, Path> vendor(Manifest manifest, DependencySources sources) {
        return Map.of();
    }

    @Override
    public String manifestTemplate() {
        return """
                include: ["bin/**"]
                entrypoints:
                  hello:                      # pkgr run NAME==VERSION hello --who=team
                    command: ["bin/hello.sh"]   # a path with '/' is relative to the packed project
                    description: Say hello
                    params:
                      who: {type: string, default: world}
                """;
    }

    @Override
    public Map<String, String> helloFiles() {
        return Map.of("bin/hello.sh", """
                #!/bin/sh
                # Parameters arrive as --name=value.
                who=world
                for arg in "$@"; do
                  case "$arg" in --who=*) who="${arg#--who=}" ;; esac
                done
                echo "hello, $who"
                """);
    }
}
