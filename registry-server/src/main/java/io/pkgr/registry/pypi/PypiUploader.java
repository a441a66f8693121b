package io.pkgr.registry.pypi;

import io.pkgr.api.ErrorCode;
import io.pkgr.api.PypiFile;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.pep440.Pep440Version;
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
 * stream. Text fields are kept (bounded); the {@code content} file part, which must come after the
 * {@code name} field, is refused at once unless its sender may publish that project, and otherwise
 * takes an upload slot and streams into a staged temp while sha256, md5 and blake2b-256 are computed. Then every declared digest, the filename, the
 * wheel's METADATA and the permission are checked, and only then is anything committed. Whatever
 * fails, the staged temp is removed.
 */
final class PypiUploader {

    static final int MAX_FIELD_BYTES = 1024 * 1024;
    static final int MAX_FIELDS_BYTES = 4 * 1024 * 1024;
    static final int MAX_FIELDS = 2000;
    /** A signature or an attestation is a few KiB; they are not kept, only bounded. */
    static final int MAX_OTHER_FILE_BYTES = 64 * 1024;

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
        long besidesTheFile = MAX_FIELDS_BYTES + 64 * 1024; // form fields, other file parts, part headers
        return maxUploadBytes > Long.MAX_VALUE - besidesTheFile ? Long.MAX_VALUE : maxUploadBytes + besidesTheFile;
    }

    UploadOutcome upload(Request request) throws IOException {
        UploadSlots.Slot slot = null;
        StagedBlob staged = null;
        try {
            Form form = new Form();
            String filename = null;
            MultipartReader reader = new MultipartReader(request.body(), request.boundary());
            for (MultipartReader.Part part; (part = reader.next()) != null; ) {
                if (part.filename() != null && part.name().equals("content")) {
                    if (staged != null) {
                        throw invalid("more than one 'content' file in the upload");
                    }
                    checkPublishBeforeTheFile(request, form.fields);
                    // a slot only for a file its sender may publish, so nobody else can hold them all
                    slot = uploads.acquire();
                    filename = part.filename();
                    staged = store.stage(part.body(), maxUploadBytes);
                } else {
                    form.add(part);
                }
            }
            return commit(request, form.fields, filename, staged);
        } catch (MalformedMultipartException e) {
            throw invalid("malformed multipart body: " + e.getMessage());
        } catch (BlobTooLargeException e) {
            throw new ApiException(ErrorCode.UPLOAD_TOO_LARGE, maxUploadBytes);
        } catch (FileExistsException e) {
            throw new ApiException(ErrorCode.FILE_EXISTS, e.existing().filename(), e.sha256AndReason());
        } finally {
            if (staged != null) {
                staged.close();
            }
            if (slot != null) {
                slot.close();
            }
        }
    }

    /**
     * Refuses the file unless the form already named a project its sender may publish. twine and
     * poetry send every text field first; a file before {@code name} would have to be stored
     * before anyone knew whether its sender may publish it.
     */
    private static void checkPublishBeforeTheFile(Request request, Map<String, List<String>> fields) {
        String name = first(fields, "name");
        if (name == null || name.isBlank()) {
            throw invalid("missing 'name' field before the 'content' file part: send the form fields first,"
                    + " as twine and poetry do");
        }
        if (!BundleName.isValid(name.trim())) {
            throw invalid("invalid project name '" + printable(name) + "'");
        }
        request.checkPublish().accept(BundleName.normalize(name.trim()));
    }

    /** The form's text fields, read within bounds; other file parts (gpg_signature, attestations) are read and dropped. */
    private static final class Form {
        final Map<String, List<String>> fields = new LinkedHashMap<>();
        long bytes;
        int count;

        void add(MultipartReader.Part part) throws IOException {
            if (++count > MAX_FIELDS) {
                throw invalid("more than " + MAX_FIELDS + " form fields");
            }
            int limit = part.filename() == null ? MAX_FIELD_BYTES : MAX_OTHER_FILE_BYTES;
            byte[] value = part.body().readNBytes(limit + 1);
            if (value.length > limit) {
                throw invalid((part.filename() == null ? "form field '" : "file part '") + printable(part.name())
                        + "' is larger than " + limit + " bytes");
            }
            bytes += value.length;
            if (bytes > MAX_FIELDS_BYTES) {
                throw invalid("form fields take more than " + MAX_FIELDS_BYTES + " bytes");
            }
            if (part.filename() == null) {
                fields.computeIfAbsent(part.name(), k -> new ArrayList<>()).add(new String(value, StandardCharsets.UTF_8));
            }
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
        if (version.local() != null) {
            throw invalid(DistributionFilename.localVersionRefused(printable(versionText)));
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
                metadata = CoreMetadata.fromWheel(staged.openChannel(), name, version);
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
