package io.pkgr.storage.s3;

import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobStoreProvider;
import io.pkgr.registry.storage.StorageLocation;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@code s3://BUCKET[/PREFIX]}: S3-compatible object storage. Credentials come from the AWS default
 * chain (system properties, environment, web identity token, profile file, container and instance
 * metadata); the region from {@code --s3-region}, else the default region chain, else
 * {@code us-east-1} when an endpoint is given.
 */
public final class S3BlobStoreProvider implements BlobStoreProvider {

    /** Connections to the object store: one per server worker thread. */
    private static final int MAX_CONNECTIONS = 64;

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public BlobStore open(StorageLocation location) throws IOException {
        return open(location, S3BlobStore.Settings.defaults());
    }

    static S3BlobStore open(StorageLocation location, S3BlobStore.Settings settings) throws IOException {
        S3Location where = S3Location.parse(location.location());
        Region region = region(location);
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        S3Configuration s3Config = S3Configuration.builder().pathStyleAccessEnabled(location.pathStyle()).build();
        SdkHttpClient http = Apache5HttpClient.builder()
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        var clientBuilder = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http)
                .serviceConfiguration(s3Config)
                // checksums only where S3 requires them: many S3-compatible servers reject the
                // CRC trailers the SDK adds by default; the registry verifies sha256 itself
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presignerBuilder = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(s3Config);
        URI endpoint = location.endpoint();
        if (endpoint != null) {
            clientBuilder.endpointOverride(endpoint);
            presignerBuilder.endpointOverride(endpoint);
        }
        S3Client client = clientBuilder.build();
        try {
            return S3BlobStore.open(client, presignerBuilder.build(), where, settings);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static Region region(StorageLocation location) {
        if (location.region() != null && !location.region().isBlank()) {
            return Region.of(location.region().trim());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException none) {
            if (location.endpoint() != null) {
                return Region.US_EAST_1; // what MinIO, Ceph and s3proxy accept unless configured otherwise
            }
            throw new IllegalArgumentException("no S3 region: give --s3-region or set AWS_REGION");
        }
    }
}
