package io.pkgr.registry.catalog;

import io.pkgr.api.VersionRecord;

/** What a publish did: {@code created} false means identical bytes were already published. */
public record PublishOutcome(boolean created, VersionRecord record) {
}
