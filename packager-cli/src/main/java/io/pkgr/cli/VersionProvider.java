package io.pkgr.cli;

import picocli.CommandLine;

/** pkgr's version from the jar manifest, with the Java runtime it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return Main.versionLines();
    }
}
