package io.pkgr.registry.catalog;

import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Version;
import io.pkgr.bundle.pep440.Pep440Version;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The identity rules every {@link CatalogRecords} enforces, in one place: which published record a
 * candidate would clash with. A database implementation turns the keys here into unique
 * constraints ({@link #precedenceKey}, {@link #releaseKey}, {@link #wheelTags}).
 */
public final class RecordRules {

    /** The filetype of a wheel in PyPI file records. */
    public static final String WHEEL = "bdist_wheel";
    /** The filetype of a source distribution. */
    public static final String SDIST = "sdist";

    private RecordRules() {
    }

    /**
     * {@code version} without build metadata: SemVer 2.0 (section 10) gives versions that differ
     * only there the same precedence, so {@code latest} and ranges could not tell them apart. One
     * version per key and bundle.
     */
    public static String precedenceKey(Version version) {
        return new Version(version.major(), version.minor(), version.patch(), version.preRelease(), "").toString();
    }

    /** The published version {@code candidate} clashes with (same version first, else same precedence), or null. */
    public static VersionRecord precedenceClash(Collection<VersionRecord> published, Version candidate) {
        VersionRecord samePrecedence = null;
        for (VersionRecord record : published) {
            if (record.version().equals(candidate)) {
                return record;
            }
            if (record.version().comparePrecedence(candidate) == 0) {
                samePrecedence = record;
            }
        }
        return samePrecedence;
    }

    /**
     * The release a PyPI file belongs to, canonical under PEP 440 ({@code 1.0} = {@code 1.0.0} =
     * {@code 1}: trailing zeros of the release dropped): one sdist per key, one wheel per key and tag.
     */
    public static String releaseKey(String pep440) {
        Pep440Version v = Pep440Version.parse(pep440);
        List<BigInteger> release = new ArrayList<>(v.release());
        while (release.size() > 1 && release.get(release.size() - 1).signum() == 0) {
            release.remove(release.size() - 1);
        }
        return new Pep440Version(v.epoch(), release, v.preLabel(), v.preNumber(), v.post(), v.dev(), v.local()).toString();
    }

    /**
     * Whether pip could take {@code b} for {@code a}, so that storing both would let one replace
     * the other: the same version (PEP 440, {@code 1.0} = {@code 1.0.0}) and either both sdists
     * (one per release, as on PyPI) or both wheels with a compatibility tag in common. A wheel's
     * build tag does not make it another file: pip prefers the higher build, so it would replace it.
     */
    public static boolean sameDistribution(PypiFile a, PypiFile b) {
        if (!a.filetype().equals(b.filetype()) || !releaseKey(a.version()).equals(releaseKey(b.version()))) {
            return false;
        }
        return !a.filetype().equals(WHEEL) || !Collections.disjoint(wheelTags(a.filename()), wheelTags(b.filename()));
    }

    /** The stored file {@code candidate} would duplicate, preferring one with its bytes; null when none. */
    public static PypiFile sameDistribution(Collection<PypiFile> files, PypiFile candidate) {
        PypiFile found = null;
        for (PypiFile file : files) {
            if (file.filename().equals(candidate.filename())) {
                return file;
            }
            if (sameDistribution(file, candidate) && (found == null || file.sha256().equals(candidate.sha256()))) {
                found = file;
            }
        }
        return found;
    }

    /**
     * The pure wheel (platform {@code any}) of the candidate's release that the candidate, a wheel
     * with other tags, would shadow; null when none. pip ranks {@code cp311-none-any} or a platform
     * wheel above {@code py3-none-any}, so bytes added beside a pure wheel would replace it wherever
     * their tags fit. A pure wheel joining platform wheels ranks below them: allowed.
     */
    public static PypiFile pureWheelShadowedBy(Collection<PypiFile> files, PypiFile candidate) {
        if (!candidate.filetype().equals(WHEEL)) {
            return null;
        }
        String release = releaseKey(candidate.version());
        for (PypiFile file : files) {
            if (file.filetype().equals(WHEEL) && releaseKey(file.version()).equals(release)
                    && wheelTags(file.filename()).stream().anyMatch(t -> t.endsWith("-any"))) {
                return file;
            }
        }
        return null;
    }

    /** Both PyPI rules at once: the clash {@code candidate} meets among {@code files}, or null. */
    public static Insert<PypiFile> pypiClash(Collection<PypiFile> files, PypiFile candidate) {
        PypiFile same = sameDistribution(files, candidate);
        if (same != null) {
            return Insert.clash(same, Insert.Clash.SAME);
        }
        PypiFile pure = pureWheelShadowedBy(files, candidate);
        return pure == null ? null : Insert.clash(pure, Insert.Clash.SHADOWED);
    }

    /**
     * The compatibility tags of a wheel's filename, expanded and lower-cased as pip reads them
     * ({@code py2.py3-none-any} is {@code py2-none-any} and {@code py3-none-any}); empty for an sdist.
     */
    public static Set<String> wheelTags(String filename) {
        if (!filename.endsWith(".whl")) {
            return Set.of();
        }
        String[] parts = filename.substring(0, filename.length() - 4).split("-", -1);
        if (parts.length < 5) {
            return Set.of();
        }
        Set<String> tags = new TreeSet<>();
        for (String python : parts[parts.length - 3].split("\\.")) {
            for (String abi : parts[parts.length - 2].split("\\.")) {
                for (String platform : parts[parts.length - 1].split("\\.")) {
                    tags.add((python + "-" + abi + "-" + platform).toLowerCase(Locale.ROOT));
                }
            }
        }
        return tags;
    }
}
