package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationOptions;
import io.jenkins.plugins.rbdcloud.engine.replication.VersionSizeLimit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides on a restore before it changes anything, from backup streams already read through once
 * (digests and, given the key, signatures checked): signatures as required, every declared
 * version size backed by data ({@link VersionSizeLimit}), and each stream's current version usable
 * on the target afterwards ({@link CurrentCheck}).
 */
public final class RestoreCheck {

    private RestoreCheck() {}

    /** @param streams in the order they will be applied, by the name to report them under (their file) */
    public static void check(RbdPool target, ReplicationOptions options, Map<String, StreamSummary> streams) {
        Map<Integer, Long> backing = new HashMap<>();
        Set<Integer> arriving = new HashSet<>();
        for (Map.Entry<String, StreamSummary> f : streams.entrySet()) {
            String label = f.getKey();
            StreamSummary s = f.getValue();
            if (options.requireSignature() && !s.signatureChecked()) {
                throw new ReplicationException(label + " is not signed; a restore that requires signatures takes only backups "
                        + "signed with " + options.signingKey().orElseThrow().file() + " (nothing was changed)");
            }
            CatalogView view = new CatalogView(target, options.targetName().orElse(s.golden()));
            for (StreamSummary.Version v : s.versions()) {
                Optional<CatalogView.Entry> held = view.find(v.version()).filter(CatalogView.Entry::isPublished);
                if (held.isPresent()) {
                    // Skipped when its checksum matches: it creates nothing.
                    backing.put(v.version(), VersionSizeLimit.backingOf(held.get().sizeBytes()));
                    continue;
                }
                long base = v.base() == 0 ? 0 : backing.computeIfAbsent(v.base(), b -> view.find(b).filter(CatalogView.Entry::isPublished)
                        .map(e -> VersionSizeLimit.backingOf(e.sizeBytes())).orElseThrow(() -> new ReplicationException(label + ": v"
                                + v.version() + " is a difference from v" + b + ", which pool " + target.name() + " does not have and "
                                + "the backup does not carry; restore v" + b + " first (nothing was changed)")));
                long b = v.dataBytes() > Long.MAX_VALUE - base ? Long.MAX_VALUE : v.dataBytes() + base;
                long allowed = options.sizeLimit().allowed(b);
                if (v.sizeBytes() > allowed) {
                    throw new ReplicationException(label + ": v" + v.version() + " declares a size of " + human(v.sizeBytes())
                            + " but the backup backs it with " + human(b) + " of data" + (v.base() == 0 ? "" : " (its base v" + v.base()
                            + " included)") + "; at most " + human(allowed) + " is accepted, so nothing was changed. "
                            + "For a genuine backup of a large, nearly empty image, raise the limit (--max-version-size)");
                }
                backing.put(v.version(), b);
                arriving.add(v.version());
            }
            CurrentCheck.require(view, s.current(), arriving, label);
        }
    }

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
