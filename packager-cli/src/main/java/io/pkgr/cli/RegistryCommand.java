package io.pkgr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to one configured registry: {@code -h}, {@code -r NAME} and the context. */
public abstract class RegistryCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Mixin
    protected HelpOption help;

    @Mixin
    protected RepositoryOption repository;

    protected final CliContext context;

    protected RegistryCommand(CliContext context) {
        this.context = context;
    }
}
