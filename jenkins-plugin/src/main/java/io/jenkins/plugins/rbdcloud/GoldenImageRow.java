package io.jenkins.plugins.rbdcloud;

import io.jenkins.plugins.rbdcloud.engine.agents.CatalogEntry;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.util.Bytes;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A golden image as the golden image page shows it, versions newest first.
 *
 * @param name           golden image name
 * @param currentVersion the version new agents get (0 when there is none yet)
 * @param versions       all versions, retired ones included
 */
public record GoldenImageRow(String name, int currentVersion, List<Version> versions) {

    public GoldenImageRow {
        versions = List.copyOf(versions);
    }

    /**
     * One version.
     *
     * @param state       ready, flattening (with the agent disk it still pins), retired, creating, candidate (its
     *                    test boot decides) or rejected (with why)
     * @param used        bytes the version allocates itself, or "not measured yet" until it is standalone
     * @param clones      agent disks cloned from it; -1 when they could not be listed
     * @param canRollback whether it can be made current: usable and not current already
     * @param build       the build that promoted it (job, number, branch, change request, fork, user), or "-"
     * @param written     bytes that build wrote, or "-" when not recorded
     */
    public record Version(int version, String label, String state, boolean current, When created,
            String createdBy, String used, int clones, boolean canRollback, String build, String written) {
    }

    static GoldenImageRow of(CatalogEntry entry, Instant now) {
        List<Version> versions = entry.image().versions().stream()
                .sorted(Comparator.comparingInt(GoldenVersion::version).reversed())
                .map(v -> new Version(v.version(), v.label(), state(v), v.current(), When.of(v.createdAt(), now), v.createdBy(),
                        measured(v) ? Bytes.human(v.usedBytes()) : "not measured yet",
                        entry.clones().getOrDefault(v.version(), -1), !v.current() && v.state().isUsable(),
                        v.provenance().map(p -> p.describe()).orElse("-"),
                        v.writtenBytes().isPresent() ? Bytes.human(v.writtenBytes().getAsLong()) : "-"))
                .toList();
        return new GoldenImageRow(entry.image().name(), entry.image().currentVersion(), versions);
    }

    private static String state(GoldenVersion v) {
        String s = v.state().metaValue() + v.rejectedWhy().map(why -> ": " + why).orElse("");
        return v.pinnedDisk().map(d -> s + " (still a clone of " + d + ")").orElse(s);
    }

    /** The engine measures used bytes once a version is standalone; before that they read as 0. */
    private static boolean measured(GoldenVersion v) {
        return v.state() == VersionState.READY || v.state() == VersionState.RETIRED;
    }
}
