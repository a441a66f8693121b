package io.pkgr.cli.runtime.jvm;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.config.Repository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.spi.connector.transport.http.HttpTransporterException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.AuthenticationBuilder;

/** Resolves Maven coordinates transitively (runtime scope) with Maven Resolver. */
final class MavenJars {

    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    private MavenJars() {
    }

    /**
     * Resolves {@code coordinates} and returns archive path ({@code deps/GROUP/ARTIFACT-VERSION.jar}) → jar.
     *
     * @param repositories remote repositories in order; Maven Central is added last unless {@code noCentral}
     */
    static Map<String, Path> resolve(List<String> coordinates, List<Repository> repositories, boolean noCentral,
                                     Path localRepository) {
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(localRepository)
                .setSystemProperties(System.getProperties())
                .setConfigProperty("aether.connector.basic.threads", 4)
                .build()) {
            List<RemoteRepository> remotes = new ArrayList<>();
            for (Repository r : repositories) {
                RemoteRepository.Builder b = new RemoteRepository.Builder(r.name(), "default", r.url().toString());
                if (r.hasCredentials()) {
                    b.setAuthentication(new AuthenticationBuilder().addUsername(r.username()).addPassword(r.password()).build());
                }
                remotes.add(b.build());
            }
            if (!noCentral) {
                remotes.add(new RemoteRepository.Builder("central", "default", CENTRAL).build());
            }
            CollectRequest collect = new CollectRequest();
            for (String c : coordinates) {
                collect.addDependency(new Dependency(new DefaultArtifact(c), JavaScopes.RUNTIME));
            }
            collect.setRepositories(system.newResolutionRepositories(session, remotes));
            DependencyRequest request = new DependencyRequest(collect,
                    DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            Map<String, Path> jars = new LinkedHashMap<>();
            for (ArtifactResult result : system.resolveDependencies(session, request).getArtifactResults()) {
                Artifact a = result.getArtifact();
                String file = a.getArtifactId() + "-" + a.getVersion()
                        + (a.getClassifier().isEmpty() ? "" : "-" + a.getClassifier()) + "." + a.getExtension();
                jars.put("deps/" + a.getGroupId() + "/" + file, a.getPath());
            }
            return jars;
        } catch (DependencyResolutionException e) {
            int exit = exitCode(e);
            throw new CliException(exit, "cannot resolve dependencies: " + firstLine(e.getMessage())
                    + (exit == ExitCode.AUTH ? " (a repository answered 401/403: check its credentials,"
                    + " pkgr config http-basic.NAME)" : ""));
        } finally {
            system.shutdown();
        }
    }

    /** A repository's 401 or 403 is an authentication failure (exit 4), anything else a registry one. */
    private static int exitCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpTransporterException http
                    && (http.getStatusCode() == 401 || http.getStatusCode() == 403)) {
                return ExitCode.AUTH;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (exitCode(suppressed) == ExitCode.AUTH) {
                    return ExitCode.AUTH;
                }
            }
        }
        return ExitCode.REGISTRY;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
