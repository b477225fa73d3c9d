package io.jenkins.plugins.rbdcloud.engine.images;

import io.jenkins.plugins.rbdcloud.engine.ceph.ImageSpec;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One version of a golden image: the protected snapshot {@code images/<name>.v<N>@v<N>}.
 *
 * @param golden         golden image name
 * @param version        version number, from 1
 * @param snapshot       the snapshot agents are cloned from
 * @param state          ready, flattening, retired (or creating, after a crash)
 * @param current        whether it is the version new agents get
 * @param createdAt      when it was made
 * @param createdBy      {@code import}, {@code promotion:<agent disk>} or {@code copy:<agent disk>}
 * @param sourceChecksum {@code sha256:<hex>} of the imported file; empty for promotions
 * @param parentVersion  the version the promoted agent was cloned from; 0 for imports
 * @param sizeBytes      virtual size
 * @param usedBytes      bytes the version image allocates itself (measured when it became standalone)
 * @param pinnedDisk     while flattening: the agent disk snapshot it still depends on
 * @param provenance     the build that promoted it, when the promotion said (empty for imports and unchecked records)
 * @param writtenBytes   bytes that build wrote (the agent disk's diff against its parent), when measured
 * @param rejectedWhy    why a {@code rejected} version failed its test boot
 */
public record GoldenVersion(String golden, int version, ImageSpec snapshot, VersionState state, boolean current,
        Instant createdAt, String createdBy, Optional<String> sourceChecksum, int parentVersion, long sizeBytes,
        long usedBytes, Optional<ImageSpec> pinnedDisk, Optional<Provenance> provenance, OptionalLong writtenBytes,
        Optional<String> rejectedWhy) {

    /** {@code <name>@v<N>}, the form agents' ownership tags use. */
    public String label() {
        return golden + "@v" + version;
    }
}
