package io.pkgr.registry.pypi;

import io.pkgr.api.ErrorCode;
import io.pkgr.api.PypiFile;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.UploadSlots;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobTooLargeException;
import io.pkgr.registry.storage.Digests;
import io.pkgr.registry.storage.StagedBlob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The legacy upload API as twine and poetry speak it: a {@code multipart/form-data} POST read as a
 * stream. Text fields are kept (bounded); the {@code content} file part streams into a staged temp
 * while sha256, md5 and blake2b-256 are computed. Then every declared digest, the filename, the
 * wheel's METADATA and the permission are checked, and only then is anything committed. Whatever
 * fails, the staged temp is removed.
 */
final class PypiUploader {

    static final int MAX_FIELD_BYTES = 1024 * 1024;
    static final int MAX_FIELDS_BYTES = 4 * 1024 * 1024;
    static final int MAX_FIELDS = 2000;

    /** What the form says, plus who sent it; {@code checkPublish} throws unless they may publish the project. */
    record Request(InputStream body, String boundary, String uploader, Consumer<String> checkPublish) {
    }

    private final BlobStore store;
    private final PypiCatalog catalog;
    private final UploadSlots uploads;
    private final long maxUploadBytes;

    PypiUploader(BlobStore store, PypiCatalog catalog, UploadSlots uploads, long maxUploadBytes) {
        this.store = store;
        this.catalog = catalog;
        this.uploads = uploads;
        this.maxUploadBytes = maxUploadBytes;
    }

    long maxUploadBytes() {
        return maxUploadBytes;
    }

    /** The largest body worth reading: the file plus the most the text fields may take. */
    long maxBodyBytes() {
        return maxUploadBytes + MAX_FIELDS_BYTES + 64 * 1024;
    }

    UploadOutcome upload(Request request) throws IOException {
        UploadSlots.Slot slot = uploads.acquire();
        StagedBlob staged = null;
        try {
            Map<String, List<String>> fields = new LinkedHashMap<>();
            String filename = null;
            long fieldBytes = 0;
            int fieldCount = 0;
            MultipartReader reader = new MultipartReader(request.body(), request.boundary());
            for (MultipartReader.Part part; (part = reader.next()) != null; ) {
                if (part.filename() != null && part.name().equals("content")) {
                    if (staged != null) {
                        throw invalid("more than one 'content' file in the upload");
                    }
                    // refuse before streaming a large file from someone who may not publish it
                    String early = first(fields, "name");
                    if (early != null && BundleName.isValid(early)) {
                        request.checkPublish().accept(BundleName.normalize(early));
                    }
                    filename = part.filename();
                    staged = store.stage(part.body(), maxUploadBytes);
                } else if (part.filename() != null) {
                    continue; // gpg_signature and attestations are not kept
                } else {
                    if (++fieldCount > MAX_FIELDS) {
                        throw invalid("more than " + MAX_FIELDS + " form fields");
                    }
                    byte[] value = part.body().readNBytes(MAX_FIELD_BYTES + 1);
                    if (value.length > MAX_FIELD_BYTES) {
                        throw invalid("form field '" + part.name() + "' is larger than " + MAX_FIELD_BYTES + " bytes");
                    }
                    fieldBytes += value.length;
                    if (fieldBytes > MAX_FIELDS_BYTES) {
                        throw invalid("form fields take more than " + MAX_FIELDS_BYTES + " bytes");
                    }
                    fields.computeIfAbsent(part.name(), k -> new ArrayList<>())
                            .add(new String(value, StandardCharsets.UTF_8));
                }
            }
            return commit(request, fields, filename, staged);
        } catch (MalformedMultipartException e) {
            throw invalid("malformed multipart body: " + e.getMessage());
        } catch (BlobTooLargeException e) {
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, maxUploadBytes);
        } catch (FileExistsException e) {
            throw new ApiException(ErrorCode.FILE_EXISTS, e.existing().filename(), e.existing().sha256().hex());
        } finally {
            if (staged != null) {
                staged.close();
            }
            slot.close();
        }
    }

    private UploadOutcome commit(Request request, Map<String, List<String>> fields, String filename, StagedBlob staged)
            throws IOException {
        String action = first(fields, ":action");
        if (action == null) {
            throw invalid("missing ':action' field (expected file_upload)");
        }
        if (!action.equals("file_upload")) {
            throw invalid("unsupported :action '" + printable(action) + "'; only file_upload is supported");
        }
        String protocol = first(fields, "protocol_version");
        if (protocol != null && !protocol.equals("1")) {
            throw invalid("unsupported protocol_version '" + printable(protocol) + "'; expected 1");
        }
        String name = required(fields, "name");
        String versionText = required(fields, "version");
        if (staged == null) {
            throw invalid("missing 'content' file part");
        }
        if (!BundleName.isValid(name)) {
            throw invalid("invalid project name '" + printable(name) + "'");
        }
        String project = BundleName.normalize(name);
        request.checkPublish().accept(project);
        Pep440Version version;
        try {
            version = Pep440Version.parse(versionText);
        } catch (IllegalArgumentException e) {
            throw invalid("invalid version '" + printable(versionText) + "': not a PEP 440 version");
        }
        DistributionFilename file;
        try {
            file = DistributionFilename.parse(filename, name, version);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        String filetype = first(fields, "filetype");
        if (filetype != null && !filetype.isEmpty() && !filetype.equals(file.kind().filetype)) {
            throw invalid("filetype '" + printable(filetype) + "' does not match " + file + " (" + file.kind().filetype + ")");
        }
        Digests digests = staged.digests();
        checkDigest(fields, "sha256_digest", "sha256", digests.sha256());
        checkDigest(fields, "md5_digest", "md5", digests.md5());
        checkDigest(fields, "blake2_256_digest", "blake2b-256", digests.blake2b256());
        if (digests.size() == 0) {
            throw invalid("the uploaded file is empty");
        }
        CoreMetadata metadata = null;
        if (file.kind() == DistributionFilename.Kind.WHEEL) {
            try {
                metadata = CoreMetadata.fromWheel(staged.localFile(), name, version);
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
        }
        String requiresPython = first(fields, "requires_python");
        if ((requiresPython == null || requiresPython.isBlank()) && metadata != null) {
            requiresPython = metadata.header("Requires-Python");
        }
        if (requiresPython != null && requiresPython.isBlank()) {
            requiresPython = null;
        }
        byte[] metadataBytes = metadata == null ? null : metadata.bytes();
        PypiFile candidate = new PypiFile(BundleName.parse(name), version.toString(), file.value(), file.kind().filetype,
                new Sha256(digests.sha256()), digests.md5(), digests.blake2b256(), digests.size(), requiresPython,
                metadataBytes == null ? null : Sha256.ofBytes(metadataBytes),
                metadataBytes == null ? 0 : metadataBytes.length, request.uploader(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), false, null);
        if (!project.equals(candidate.project())) {
            throw new IllegalStateException("normalisation disagrees for " + name);
        }
        return catalog.upload(candidate, staged, metadataBytes);
    }

    private static void checkDigest(Map<String, List<String>> fields, String field, String label, String actual) {
        String declared = first(fields, field);
        if (declared == null || declared.isBlank()) {
            return;
        }
        if (!declared.trim().toLowerCase(Locale.ROOT).equals(actual)) {
            throw invalid(label + " digest mismatch: the content's " + label + " is " + actual + " but " + field + " says "
                    + printable(declared));
        }
    }

    private static String first(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String required(Map<String, List<String>> fields, String name) {
        String value = first(fields, name);
        if (value == null || value.isBlank()) {
            throw invalid("missing '" + name + "' field");
        }
        return value.trim();
    }

    private static ApiException invalid(String message) {
        return new ApiException(ErrorCode.UPLOAD_INVALID, message);
    }

    private static String printable(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            out.write(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
