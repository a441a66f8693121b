package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pkgr.api.BundleSignature;
import io.pkgr.api.signing.Ed25519Keys;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Lockfile;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signed bundles end to end with a real registry on port 0: pkgr key generate, publish --sign, and
 * run/install/lock/verify with trusted keys; every refusal is exit 7 with nothing installed.
 */
class SignedBundlesTest extends RegistryTest {

    private static final String TASK = "echo ran-$PKGR_VERSION > \"$OUT\"\n";

    @Test
    void aSignedBundleRunsWithRequireSignatureAndVerifySaysWhoSignedIt() throws IOException {
        Path key = generate("release-key");
        Path bundle = build("signed", "1.0.0");
        Path out = tmp.resolve("out.txt");

        Registry.Result published = registry.pkgr("publish", "-r", "local", "--sign", key.toString(), bundle.toString());
        Registry.Result run = registry.pkgr("run", "--require-signature", "--trusted-keys", key + ".pub",
                "--env", "OUT=" + out, "signed==1.0.0", "task", "--day=2024-05-01");
        Registry.Result verify = registry.pkgr("verify", "-r", "local", "signed==1.0.0");
        Registry.Result verifyFile = registry.pkgr("verify", "-r", "local", "--trusted-keys", key + ".pub", bundle.toString());

        String fingerprint = fingerprint(key);
        assertEquals(0, published.exitCode(), published.err());
        assertTrue(published.out().contains("signed by " + fingerprint), published.out());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("ran-1.0.0", Files.readString(out).trim());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("signed by " + fingerprint + " (release-key): signature valid"), verify.out());
        assertEquals(0, verifyFile.exitCode(), verifyFile.err());
        assertTrue(verifyFile.out().contains("trusted (" + key + ".pub)"), verifyFile.out());
    }

    @Test
    void theFingerprintIsTheOneSshKeygenPrintsAndSshKeygenReadsThePrivateKey() throws Exception {
        Path key = generate("k");

        Process derive = new ProcessBuilder("ssh-keygen", "-y", "-f", key.toString()).redirectErrorStream(true).start();
        String derived = new String(derive.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Process print = new ProcessBuilder("ssh-keygen", "-l", "-f", key + ".pub").redirectErrorStream(true).start();
        String printed = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();

        assertEquals(0, derive.waitFor(), derived);
        assertEquals(Files.readString(Path.of(key + ".pub")).trim().split(" ")[1], derived.split(" ")[1]);
        assertTrue(printed.contains(fingerprint(key)), printed);
    }

    @Test
    void anUnsignedBundleIsRefusedWithExit7AndNothingInstalled() throws IOException {
        Path key = generate("release-key");
        registry.pkgr("publish", "-r", "local", build("plain", "1.0.0").toString());

        Registry.Result run = registry.pkgr("run", "--trusted-keys", key + ".pub", "plain==1.0.0", "task", "--day=2024-05-01");
        Registry.Result install = registry.pkgr("install", "--trusted-keys", key + ".pub", "plain==1.0.0");
        Registry.Result verify = registry.pkgr("verify", "-r", "local", "plain==1.0.0");

        assertEquals(7, run.exitCode(), run.err());
        assertTrue(run.err().contains("plain 1.0.0 is not signed"), run.err());
        assertTrue(run.err().contains("nothing was installed"), run.err());
        assertEquals(7, install.exitCode(), install.err());
        assertEquals(7, verify.exitCode(), verify.err());
        assertTrue(registry.environments().isEmpty(), "no environment");
        assertTrue(registry.cachedBundles().isEmpty(), "no bundle downloaded");
    }

    @Test
    void aBundleSignedByAnotherKeyIsRefused() throws IOException {
        Path signer = generate("someone-else");
        Path trusted = generate("release-key");
        registry.pkgr("publish", "-r", "local", "--sign", signer.toString(), build("other", "1.0.0").toString());

        Registry.Result run = registry.pkgr("run", "--trusted-keys", trusted + ".pub", "other==1.0.0", "task", "--day=2024-05-01");

        assertEquals(7, run.exitCode(), run.err());
        assertTrue(run.err().contains("is signed by " + fingerprint(signer) + " (someone-else), which is not a trusted key"),
                run.err());
        assertTrue(registry.environments().isEmpty());
        assertTrue(registry.cachedBundles().isEmpty());
    }

    @Test
    void aSignatureOverOtherBytesIsRefusedEvenFromTheCache() throws IOException {
        Path key = generate("release-key");
        registry.pkgr("publish", "-r", "local", "--sign", key.toString(), build("tampered", "1.0.0").toString());
        Registry.Result first = registry.pkgr("install", "--trusted-keys", key + ".pub", "tampered==1.0.0");
        assertEquals(0, first.exitCode(), first.err());
        Sha256 sha = registry.client().record(BundleName.parse("tampered"), Version.parse("1.0.0")).sha256();
        // the trusted key's valid signature, but of other bytes, put where the record says the signature is
        String otherBytes = Ed25519Keys.sign(Ed25519Keys.readPrivate(Files.readString(key), "k"),
                BundleSignature.statement(BundleName.parse("tampered"), Version.parse("1.0.0"), Sha256.ofBytes(new byte[1])));
        Path cachedRecord = registry.cache().resolve("bundles/sha256/" + sha.hex() + ".json");
        ObjectNode record = (ObjectNode) new ObjectMapper().readTree(cachedRecord.toFile());
        ((ObjectNode) record.get("signature")).put("signature", otherBytes);
        Files.write(cachedRecord, new ObjectMapper().writeValueAsBytes(record));
        Files.delete(registry.cache().resolve("bundles/sha256/" + sha.hex() + ".signature"));
        long installs = registry.installs();

        Registry.Result run = registry.pkgr("run", "--trusted-keys", key + ".pub", "tampered==1.0.0", "task",
                "--day=2024-05-01");

        assertEquals(7, run.exitCode(), run.err());
        assertTrue(run.err().contains("does not match sha256 " + sha.hex()), run.err());
        assertEquals(installs, registry.installs());
    }

    @Test
    void theRegistryRefusesASignatureThatDoesNotHoldAndStoresNothing() throws IOException {
        Path key = generate("release-key");
        Path bundle = build("forged", "1.0.0");
        Sha256 sha = Sha256.ofFile(bundle);
        Ed25519Keys.KeyPair pair = Ed25519Keys.readPrivate(Files.readString(key), "k");
        BundleSignature forged = new BundleSignature(pair.publicKey().line(), Ed25519Keys.sign(pair,
                BundleSignature.statement(BundleName.parse("forged"), Version.parse("2.0.0"), sha)));

        int status = -1;
        try {
            registry.client().publish(BundleName.parse("forged"), Version.parse("1.0.0"), bundle, sha, null, forged);
        } catch (io.pkgr.cli.CliException e) {
            status = e.exitCode();
            assertTrue(e.getMessage().contains("signature rejected"), e.getMessage());
        }

        assertEquals(7, status);
        Registry.Result show = registry.pkgr("show", "-r", "local", "forged==1.0.0");
        assertEquals(3, show.exitCode(), show.out() + show.err());
    }

    @Test
    void aLockPinsTheTrustedKeysAndRunsFromItRequireThem() throws IOException {
        Path key = generate("release-key");
        Path other = generate("other-key");
        registry.pkgr("publish", "-r", "local", "--sign", key.toString(), build("pinned", "1.0.0").toString());
        Path lock = tmp.resolve("pkgr.lock");

        Registry.Result locked = registry.pkgr("lock", "-r", "local", "--trusted-keys", key + ".pub", "-o", lock.toString(),
                "pinned==1.0.0");
        Registry.Result run = registry.pkgr("run", "--env", "OUT=/dev/null", "--lock", lock.toString(), "pinned", "task",
                "--day=2024-05-01");
        Lockfile pinnedToOther = new Lockfile(Lockfile.read(lock).entries(),
                List.of(Files.readString(Path.of(other + ".pub")).trim()));
        Path otherLock = tmp.resolve("other.lock");
        pinnedToOther.write(otherLock);
        Registry.Result refused = registry.pkgr("run", "--lock", otherLock.toString(), "pinned", "task", "--day=2024-05-01");

        assertEquals(0, locked.exitCode(), locked.err());
        assertEquals(List.of(Files.readString(Path.of(key + ".pub")).trim()), Lockfile.read(lock).trustedKeys());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(7, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("other.lock trustedKeys"), refused.err());
    }

    @Test
    void lockRefusesAnUnsignedVersionAndWritesNothing() throws IOException {
        Path key = generate("release-key");
        registry.pkgr("publish", "-r", "local", build("nolock", "1.0.0").toString());
        Path lock = tmp.resolve("pkgr.lock");

        Registry.Result locked = registry.pkgr("lock", "-r", "local", "--trusted-keys", key + ".pub", "-o", lock.toString(),
                "nolock==1.0.0");

        assertEquals(7, locked.exitCode(), locked.err());
        assertFalse(Files.exists(lock));
    }

    @Test
    void aRepositorySettingRequiresSignaturesWithoutFlags() throws IOException {
        Path key = generate("release-key");
        registry.pkgr("publish", "-r", "local", build("cfg", "1.0.0").toString());
        assertEquals(0, registry.pkgr("config", "trusted-keys.local", key + ".pub").exitCode());

        Registry.Result run = registry.pkgr("run", "-r", "local", "cfg==1.0.0", "task", "--day=2024-05-01");

        assertEquals(7, run.exitCode(), run.err());
        assertTrue(run.err().contains("not signed"), run.err());
    }

    @Test
    void malformedKeysGetClearErrorsAndPublishNothing() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad-key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Path noPem = Files.writeString(tmp.resolve("no-pem"), "hello\n");
        Path badTrust = Files.writeString(tmp.resolve("trusted.pub"), "# release keys\nssh-rsa AAAAB3Nza x\n");
        Path bundle = build("badkey", "1.0.0");

        Registry.Result publishBad = registry.pkgr("publish", "-r", "local", "--sign", bad.toString(), bundle.toString());
        Registry.Result publishNoPem = registry.pkgr("publish", "-r", "local", "--sign", noPem.toString(), bundle.toString());
        Registry.Result publishMissing = registry.pkgr("publish", "-r", "local", "--sign", tmp.resolve("nope").toString(),
                bundle.toString());
        Registry.Result run = registry.pkgr("run", "--trusted-keys", badTrust.toString(), "badkey==1.0.0", "task");
        registry.pkgr("publish", "-r", "local", build("unsigned", "1.0.0").toString());
        Registry.Result requireAlone = registry.pkgr("run", "--require-signature", "unsigned==1.0.0", "task");

        assertEquals(2, publishBad.exitCode(), publishBad.err());
        assertTrue(publishBad.err().contains("a RSA PRIVATE KEY block is not an Ed25519 private key"), publishBad.err());
        assertEquals(2, publishNoPem.exitCode());
        assertTrue(publishNoPem.err().contains("no PEM block"), publishNoPem.err());
        assertEquals(2, publishMissing.exitCode());
        assertTrue(publishMissing.err().contains("not found"), publishMissing.err());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("trusted.pub line 2: key type 'ssh-rsa' is not supported"), run.err());
        assertEquals(2, requireAlone.exitCode(), requireAlone.err());
        assertTrue(requireAlone.err().contains("--require-signature needs trusted keys"), requireAlone.err());
        assertEquals(3, registry.pkgr("show", "-r", "local", "badkey==1.0.0").exitCode(), "nothing published");
    }

    @Test
    void keysFromOpensslAndSshKeygenSign() throws Exception {
        Path pkcs8 = tmp.resolve("openssl.pem");
        Path ssh = tmp.resolve("ssh_ed25519");
        assertEquals(0, new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", pkcs8.toString())
                .inheritIO().start().waitFor());
        assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ssh-made", "-f",
                ssh.toString()).inheritIO().start().waitFor());

        Registry.Result a = registry.pkgr("publish", "-r", "local", "--sign", pkcs8.toString(), build("ossl", "1.0.0").toString());
        Registry.Result b = registry.pkgr("publish", "-r", "local", "--sign", ssh.toString(), build("sshk", "1.0.0").toString());
        Registry.Result verify = registry.pkgr("verify", "-r", "local", "--trusted-keys", ssh + ".pub", "sshk==1.0.0");

        assertEquals(0, a.exitCode(), a.err());
        assertEquals(0, b.exitCode(), b.err());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("(ssh-made)"), verify.out());
    }

    @Test
    void aWarmRunChecksTheCachedOutcomeWithoutLoadingBouncyCastle() throws Exception {
        Path key = generate("release-key");
        registry.pkgr("publish", "-r", "local", "--sign", key.toString(), build("warm", "1.0.0").toString());
        String[] run = {"run", "--trusted-keys", key + ".pub", "-r", "local", "warm==1.0.0", "task", "--day=2024-05-01"};
        registry.env.put("OUT", "/dev/null");
        assertEquals(0, registry.pkgr(run).exitCode());

        ProcessBuilder pb = registry.pkgrProcess(run);
        pb.command().add(1, "-Xlog:class+load=info");
        Process p = pb.redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, p.waitFor(), log);
        assertTrue(log.contains("io.pkgr.cli.sign.SignaturePolicy"), "the policy ran");
        assertFalse(log.contains("org.bouncycastle"), "no BouncyCastle class on the warm path");
    }

    private Path generate(String name) {
        Path key = tmp.resolve("keys").resolve(name);
        key.getParent().toFile().mkdirs();
        Registry.Result r = registry.pkgr("key", "generate", key.toString());
        assertEquals(0, r.exitCode(), r.err());
        return key;
    }

    private static String fingerprint(Path key) throws IOException {
        return io.pkgr.api.signing.PublicKeyLine.parse(Files.readString(Path.of(key + ".pub"))).fingerprint();
    }

    /** Builds an exec bundle whose task writes "ran-VERSION" to $OUT; returns its file. */
    private Path build(String name, String version) throws IOException {
        Path project = registry.project(name + "-" + version, """
                name: %s
                version: %s
                runtime: exec
                include: ["bin/**"]
                entrypoints:
                  task:
                    command: ["bin/task.sh"]
                    params:
                      day: {type: date, required: false}
                """.formatted(name, version), Map.of("bin/task.sh", "#!/bin/sh\n" + TASK));
        Registry.Result built = registry.pkgr("build", "-C", project.toString());
        assertEquals(0, built.exitCode(), built.err());
        return project.resolve("dist").resolve(name + "-" + version + ".pkgr");
    }
}
