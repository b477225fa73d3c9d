package io.jenkins.plugins.rbdcloud.engine.images.internal;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenImageException;
import io.jenkins.plugins.rbdcloud.engine.images.GoldenVersion;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogLock;
import io.jenkins.plugins.rbdcloud.engine.images.store.CatalogStore;
import io.jenkins.plugins.rbdcloud.engine.images.store.VersionMeta;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Pins an operator sets on the catalog itself ({@code images pin NAME vN}): metadata keys
 * {@code rbd-cloud.golden.pin.v<N>} on the catalog image, each holding a short note. They live in
 * Ceph, so every controller and CLI that prunes this image keeps the version, whatever its config.
 */
public final class CatalogPins {

    /** Longest note kept with a pin. */
    public static final int MAX_NOTE = 200;

    private final CatalogStore store;

    public CatalogPins(CatalogStore store) {
        this.store = store;
    }

    /** Pinned version numbers with their notes, ascending. */
    public SortedMap<Integer, String> pins(String golden) {
        store.requireGolden(golden);
        SortedMap<Integer, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : store.images().metaList(golden).entrySet()) {
            if (e.getKey().startsWith(VersionMeta.PIN)) {
                long n = VersionMeta.number(e.getKey().substring(VersionMeta.PIN.length()));
                if (n > 0 && n <= Integer.MAX_VALUE) {
                    out.put((int) n, e.getValue());
                }
            }
        }
        return out;
    }

    /** Pins a usable version, under the catalog lock so no prune runs meanwhile. */
    public void pin(String golden, int n, String note) {
        String checked = checkNote(note);
        try (CatalogLock.Held lock = store.acquire(golden)) {
            store.requireGolden(golden);
            GoldenVersion v = store.findVersion(golden, n).orElseThrow(
                    () -> new GoldenImageException("golden image " + golden + " has no version v" + n));
            if (!v.state().isUsable()) {
                throw new GoldenImageException("cannot pin " + v.label() + ": it is " + v.state().metaValue()
                        + " (only ready or flattening versions can be launched)");
            }
            lock.check();
            store.images().metaSet(golden, VersionMeta.PIN + n, checked);
        }
    }

    /** @return false when version n was not pinned */
    public boolean unpin(String golden, int n) {
        try (CatalogLock.Held lock = store.acquire(golden)) {
            if (!pins(golden).containsKey(n)) {
                return false;
            }
            lock.check();
            store.images().metaRemove(golden, VersionMeta.PIN + n);
            return true;
        }
    }

    /** A note is shown back to operators: bounded and printable. */
    static String checkNote(String note) {
        if (note == null || note.isBlank()) {
            throw new IllegalArgumentException("a pin needs a note saying why (who needs this version)");
        }
        if (note.length() > MAX_NOTE) {
            throw new IllegalArgumentException("pin note is " + note.length() + " characters; at most " + MAX_NOTE);
        }
        if (note.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("pin note contains a control character (newline, tab, ...)");
        }
        return note.strip();
    }
}
