package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdNotFoundException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPermissionException;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import io.jenkins.plugins.rbdcloud.engine.ceph.SnapInfo;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.VersionState;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The versions of one golden image as replication needs them: state, snapshot id, info fields
 * and content checksum (stored, or computed by reading and then stored when the user may write).
 */
public final class CatalogView {

    /** A version image; {@code snapId} is -1 while it has no {@code v<N>} snapshot. */
    public record Entry(int version, VersionState state, long snapId, long sizeBytes, Map<String, String> meta) {
        public boolean isPublished() {
            return state != VersionState.CREATING && snapId >= 0;
        }

        public Map<String, String> info() {
            return VersionMeta.decode(meta.get(VersionMeta.INFO));
        }
    }

    private final RbdPool pool;
    private final String golden;

    public CatalogView(RbdPool pool, String golden) {
        this.pool = pool;
        this.golden = GoldenNames.check(golden);
    }

    public RbdPool pool() {
        return pool;
    }

    public String golden() {
        return golden;
    }

    /** Every version image, ascending, published or not. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (String image : pool.list()) {
            OptionalInt n = GoldenNames.versionOf(golden, image);
            if (n.isPresent()) {
                try {
                    out.add(entry(n.getAsInt()));
                } catch (RbdNotFoundException e) {
                    // removed meanwhile
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a.version(), b.version()));
        return out;
    }

    public Optional<Entry> find(int n) {
        try {
            return Optional.of(entry(n));
        } catch (RbdNotFoundException e) {
            return Optional.empty();
        }
    }

    public Entry entry(int n) {
        String image = GoldenNames.versionImage(golden, n);
        Map<String, String> meta = pool.metaList(image);
        String snap = GoldenNames.versionSnap(n);
        long snapId = -1;
        long size = 0;
        for (SnapInfo s : pool.snaps(image)) {
            if (s.name().equals(snap)) {
                snapId = s.id();
                size = s.size();
            }
        }
        GoldenVersion v = VersionMeta.parse(pool.name(), golden, n, meta, false, size);
        return new Entry(n, v.state(), snapId, size, meta);
    }

    /** The stored checksum, else computed by reading the snapshot (and stored when this user may). */
    public byte[] checksum(Entry e) {
        Optional<byte[]> stored = ContentChecksum.stored(e.meta(), e.version(), e.snapId());
        if (stored.isPresent()) {
            return stored.get();
        }
        return digests(e).checksum();
    }

    /**
     * The version's block digests and content checksum: stored beside it, else computed by reading
     * its snapshot once and stored (both) when this user may.
     */
    public BlockDigests digests(Entry e) {
        String image = GoldenNames.versionImage(golden, e.version());
        Optional<BlockDigests> stored = BlockDigests.load(pool, image, e.version(), e.snapId(), e.sizeBytes());
        if (stored.isPresent()) {
            return stored.get();
        }
        BlockDigests d;
        try (RbdImageHandle h = pool.openReadOnly(image, GoldenNames.versionSnap(e.version()))) {
            d = ContentChecksum.digests(h, e.version(), e.snapId());
        }
        d.store(pool, image);
        remember(e, d.checksum());
        return d;
    }

    /** The stored block digests, if any (nothing is read but the list). */
    public Optional<BlockDigests> storedDigests(Entry e) {
        return BlockDigests.load(pool, GoldenNames.versionImage(golden, e.version()), e.version(), e.snapId(), e.sizeBytes());
    }

    /** Stores a checksum computed elsewhere (e.g. while sending); best effort on a read-only source. */
    public void remember(Entry e, byte[] sum) {
        try {
            pool.metaSet(GoldenNames.versionImage(golden, e.version()), ContentChecksum.KEY,
                    ContentChecksum.bind(e.version(), e.snapId(), sum));
        } catch (RbdPermissionException | RbdNotFoundException ignored) {
            // read-only access to the source, or the version was removed: it is only a cache
        }
    }
}
