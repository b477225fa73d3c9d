package io.jenkins.plugins.rbdcloud.engine.images;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a promotion records with the version it makes, beside what the catalog knows itself.
 *
 * @param provenance   the build that asked for it
 * @param writtenBytes bytes that build wrote (the agent disk's diff against its parent)
 */
public record PromotionRecord(Optional<Provenance> provenance, OptionalLong writtenBytes) {

    /** Nothing known: an administrator's promotion from the CLI. */
    public static final PromotionRecord NONE = new PromotionRecord(Optional.empty(), OptionalLong.empty());

    public PromotionRecord {
        if (writtenBytes.isPresent() && writtenBytes.getAsLong() < 0) {
            throw new IllegalArgumentException("written bytes must not be negative, got " + writtenBytes.getAsLong());
        }
    }

    public static PromotionRecord of(Provenance provenance, long writtenBytes) {
        return new PromotionRecord(Optional.of(provenance), OptionalLong.of(writtenBytes));
    }
}
