package io.jenkins.plugins.rbdcloud.engine.images;

import java.util.Locale;

/** Where a golden image version is in its life; stored lower-case in its metadata. */
public enum VersionState {
    /** Being made by an import or promotion; not usable. Left over only by a crash; cleaned up by {@code completeFlattens}. */
    CREATING,
    /** Usable; still a clone of the agent disk it was promoted from, which stays pinned until the flatten ends. */
    FLATTENING,
    /** Usable and standalone. */
    READY,
    /** Dropped by retention but still has clones; purged when the last one is gone. */
    RETIRED,
    /**
     * Promoted from a build, waiting for its test boot: only that boot clones it; not current, not
     * a rollback target. Still a clone of the agent disk, like {@link #FLATTENING}.
     */
    CANDIDATE,
    /** Failed its test boot: kept with the reason, for inspection, until pruned; never usable. */
    REJECTED;

    public String metaValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a stored value; unknown values read as {@link #CREATING} (not trusted, not usable). */
    public static VersionState ofMeta(String value) {
        for (VersionState s : values()) {
            if (s.metaValue().equals(value)) {
                return s;
            }
        }
        return CREATING;
    }

    /** Whether agents may be cloned from a version in this state. */
    public boolean isUsable() {
        return this == READY || this == FLATTENING;
    }
}
