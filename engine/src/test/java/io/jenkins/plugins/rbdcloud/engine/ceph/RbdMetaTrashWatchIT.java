package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Image metadata, the trash and watchers. */
class RbdMetaTrashWatchIT extends CephItBase {

    private RbdPool pool;

    RbdMetaTrashWatchIT(DevEnv env) {
        super(env);
    }

    @BeforeEach
    void pool() {
        pool = agents();
    }

    @Test
    void metadataRoundTrip() {
        String name = scratch.create(pool, env.uniqueName("meta"), MiB);
        assertEquals(Map.of(), pool.metaList(name));
        assertEquals(Optional.empty(), pool.metaGet(name, "rbd-cloud.owner"));
        pool.metaSet(name, "rbd-cloud.owner", "jenkins-1");
        pool.metaSet(name, "rbd-cloud.created-at", "2025-01-01T00:00:00Z");
        pool.metaSet(name, "rbd-cloud.empty", "");
        String long1 = "x".repeat(1000) + " ü @ / :";
        pool.metaSet(name, "rbd-cloud.long", long1);
        assertEquals(Optional.of("jenkins-1"), pool.metaGet(name, "rbd-cloud.owner"));
        assertEquals(Optional.of(long1), pool.metaGet(name, "rbd-cloud.long"));
        assertEquals(Optional.of(""), pool.metaGet(name, "rbd-cloud.empty"));
        SortedMap<String, String> all = pool.metaList(name);
        assertEquals(List.of("rbd-cloud.created-at", "rbd-cloud.empty", "rbd-cloud.long", "rbd-cloud.owner"), List.copyOf(all.keySet()));
        assertEquals(long1, all.get("rbd-cloud.long"));
        pool.metaSet(name, "rbd-cloud.owner", "jenkins-2");
        assertEquals(Optional.of("jenkins-2"), pool.metaGet(name, "rbd-cloud.owner"));
        assertTrue(pool.metaRemove(name, "rbd-cloud.owner"));
        assertFalse(pool.metaRemove(name, "rbd-cloud.owner"));
        assertEquals(Optional.empty(), pool.metaGet(name, "rbd-cloud.owner"));
        assertThrows(RbdNotFoundException.class, () -> pool.metaSet(env.uniqueName("missing"), "k", "v"));
    }

    @Test
    void severalKeysInOneOpen() {
        String name = scratch.create(pool, env.uniqueName("metaall"), MiB);
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            tags.put("rbd-cloud.k" + i, "v" + i);
        }
        long t0 = System.nanoTime();
        pool.metaSetAll(name, tags);
        long all = System.nanoTime() - t0;
        t0 = System.nanoTime();
        tags.forEach((k, v) -> pool.metaSet(name, k, v + "x"));
        long each = System.nanoTime() - t0;
        System.out.printf("metadata: 6 keys in one open %d ms, one open per key %d ms%n", all / 1_000_000, each / 1_000_000);
        pool.metaSetAll(name, tags);
        assertEquals(tags, Map.copyOf(pool.metaList(name)));
        assertThrows(IllegalArgumentException.class, () -> pool.metaSetAll(name, Map.of("conf_rbd_cache", "false")));
        assertThrows(RbdNotFoundException.class, () -> pool.metaSetAll(env.uniqueName("missing"), tags));
    }

    /**
     * Reconciliation's batched reads: names with ids from the pool directory, then the tags of
     * many images by id at once; an image removed in between is left out, a header whose keys
     * do not fit one answer is read whole, and each image gets its own tags.
     */
    @Test
    void manyImagesTagsReadByIdAtOnce() {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < HeaderBatch.IN_FLIGHT + 3; i++) { // more than one window of reads in flight
            String name = scratch.create(pool, env.uniqueName("batch" + i), MiB);
            pool.metaSet(name, "rbd-cloud.agent", name);
            names.add(name);
        }
        String big = names.get(1);
        Map<String, String> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 1100; i++) { // more than one page (1,024 keys) of metadata_list
            many.put("rbd-cloud.k" + i, "v".repeat(20));
        }
        pool.metaSetAll(big, many);
        String gone = names.get(2);
        Map<String, String> ids = pool.listWithIds();
        assertTrue(ids.keySet().containsAll(names), "the directory lists every image");
        assertEquals(pool.imageId(names.get(0)), ids.get(names.get(0)));
        pool.remove(gone);
        Map<String, SortedMap<String, String>> tags = pool.metaListByIds(names.stream().map(ids::get).toList());
        assertFalse(tags.containsKey(ids.get(gone)), "removed meanwhile: left out");
        assertEquals(names.size() - 1, tags.size());
        for (String name : names) {
            if (!name.equals(gone)) {
                assertEquals(name, tags.get(ids.get(name)).get("rbd-cloud.agent"), name);
            }
        }
        assertEquals(1101, tags.get(ids.get(big)).size(), "a large header is read whole");
    }

    /** Tags go straight to the image header: librbd's own readers and writers must agree with them. */
    @Test
    void headerCallsAndLibrbdSeeTheSameTags() {
        String name = scratch.create(pool, env.uniqueName("metahdr"), MiB);
        pool.metaSetAll(name, Map.of("rbd-cloud.a", "1", "rbd-cloud.b", "ü"));
        try (RbdImageHandle h = pool.open(name)) {
            assertEquals(Map.of("rbd-cloud.a", "1", "rbd-cloud.b", "ü"), Map.copyOf(h.call("list", () -> NativeLists.metaList(h))));
            h.call("set", () -> h.check(io.jenkins.plugins.rbdcloud.engine.ceph.internal.LibRbd.INSTANCE
                    .rbd_metadata_set(h.ptr(), "rbd-cloud.c", "from librbd"), "set"));
            // written while another client holds the image open: seen at once by both sides
            pool.metaSet(name, "rbd-cloud.a", "2");
            assertEquals("2", h.call("list", () -> NativeLists.metaList(h)).get("rbd-cloud.a"));
        }
        assertEquals(Map.of("rbd-cloud.a", "2", "rbd-cloud.b", "ü", "rbd-cloud.c", "from librbd"), Map.copyOf(pool.metaList(name)));
        assertEquals(pool.stat(name).id(), pool.imageId(name));
        assertEquals(pool.metaList(name), pool.metaListById(pool.imageId(name)));
        assertThrows(RbdNotFoundException.class, () -> pool.imageId(env.uniqueName("missing")));
        String id = pool.imageId(name);
        pool.remove(name);
        // a remembered id of a removed image fails rather than read something else
        assertThrows(RbdNotFoundException.class, () -> pool.metaListById(id));
    }

    @Test
    void manyMetadataKeysGrowTheBuffers() {
        String name = scratch.create(pool, env.uniqueName("meta"), MiB);
        for (int i = 0; i < 40; i++) {
            pool.metaSet(name, String.format("rbd-cloud.k%02d", i), "v".repeat(200) + i);
        }
        SortedMap<String, String> all = pool.metaList(name);
        assertEquals(40, all.size());
        assertEquals("v".repeat(200) + 39, all.get("rbd-cloud.k39"));
    }

    /** A trashed image's snapshots are read, and removed, through its id: it never has to leave the trash. */
    @Test
    void snapshotsOfATrashedImageAreListedWithTheirClonesAndRemovedInTheTrash() {
        String name = scratch.create(pool, env.uniqueName("trsnap"), MiB);
        pool.snapCreate(name, "read");
        pool.snapCreate(name, "unread");
        pool.snapProtect(name, "unread");
        String clone = env.uniqueName("trclone");
        pool.clone(name, "read", pool, clone);
        String id = scratch.trackTrash(pool, pool.trashMove(name, Duration.ZERO));
        scratch.track(pool, clone); // after the trash entry: removed before it

        assertEquals(List.of(clone), pool.trashChildren(id, "read").stream().map(c -> c.spec().image()).toList());
        assertEquals(List.of(), pool.trashChildren(id, "unread"));
        pool.trashSnapRemove(id, "unread"); // protected: unprotected first
        pool.trashSnapRemove(id, "unread"); // already gone: nothing to do
        assertEquals(List.of("read"), pool.trashSnaps(id).stream().map(SnapInfo::name).toList());
        assertFalse(pool.exists(name), "taken out of the trash");

        pool.remove(clone);
        pool.trashSnapRemove(id, "read");
        assertEquals(List.of(), pool.trashSnaps(id));
        pool.trashRemove(id, true); // librbd removes a trashed image once it has no snapshots
        assertTrue(pool.trashList().stream().noneMatch(e -> e.id().equals(id)));
        assertThrows(RbdNotFoundException.class, () -> pool.trashSnapRemove(id, "read"));
        assertThrows(IllegalArgumentException.class, () -> pool.trashSnapRemove("../" + id, "read"), "not an image id");
    }

    @Test
    void trashMoveRestoreRemoveAndPurge() {
        String name = scratch.create(pool, env.uniqueName("trash"), MiB);
        pool.metaSet(name, "rbd-cloud.owner", "it");
        String id = scratch.trackTrash(pool, pool.trashMove(name, Duration.ZERO));
        assertFalse(pool.exists(name));
        TrashEntry entry = pool.trashList().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
        assertEquals(name, entry.name());
        assertTrue(entry.userTrashed());
        assertTrue(entry.isExpired(Instant.now().plusSeconds(1)));
        // The ownership a purge checks travels with the image into the trash.
        assertEquals(Map.of("rbd-cloud.owner", "it"), Map.copyOf(pool.trashMetaList(id)));
        assertThrows(RbdNotFoundException.class, () -> pool.trashMetaList("0123456789ab"));

        String restored = scratch.track(pool, env.uniqueName("restored"));
        pool.trashRestore(id, restored);
        assertTrue(pool.exists(restored));
        assertEquals(Optional.of("it"), pool.metaGet(restored, "rbd-cloud.owner"), "restored with its metadata");
        assertTrue(pool.trashList().stream().noneMatch(e -> e.id().equals(id)));
        assertThrows(RbdNotFoundException.class, () -> pool.trashRestore(id, null));

        // Deferred: removal before the deferment ends needs force.
        String id2 = scratch.trackTrash(pool, pool.trashMove(restored, Duration.ofHours(1)));
        assertThrows(RbdPermissionException.class, () -> pool.trashRemove(id2, false));
        assertEquals(List.of(), pool.trashPurge(Instant.now(), e -> e.id().equals(id2)), "not expired yet");
        List<TrashEntry> purged = pool.trashPurge(Instant.now().plus(Duration.ofHours(2)), e -> e.id().equals(id2));
        assertEquals(List.of(id2), purged.stream().map(TrashEntry::id).toList());
        assertTrue(pool.trashList().stream().noneMatch(e -> e.id().equals(id2)));
        assertThrows(RbdNotFoundException.class, () -> pool.trashRemove(id2, true));
    }

    @Test
    void watchersShowWhoHasTheImageOpen(DevEnv env) {
        String name = scratch.create(pool, env.uniqueName("watch"), MiB);
        assertEquals(List.of(), pool.watchers(name), "the read-only open used for the listing is no watcher");
        // Another client, as QEMU would be: its own connection, image open read-write.
        try (CephCluster other = CephCluster.connect(controller(env), TIMEOUT);
                RbdImageHandle h = other.pool(pool.name()).open(name)) {
            h.write(0, new byte[] {1});
            List<Watcher> watchers = pool.watchers(name);
            assertEquals(1, watchers.size(), watchers.toString());
            assertTrue(watchers.get(0).address().contains("127.0.0.1"), watchers.toString());
            RbdBusyException busy = assertThrows(RbdBusyException.class, () -> pool.remove(name));
            assertTrue(busy.getMessage().contains(name), busy.getMessage());
        }
        assertEquals(List.of(), pool.watchers(name));
    }

    @Test
    void trashMoveDoesNotRefuseAnOpenImage(DevEnv env) {
        // Documented on RbdPool.trashMove: callers check watchers themselves.
        String name = scratch.create(pool, env.uniqueName("trashopen"), MiB);
        try (CephCluster other = CephCluster.connect(controller(env), TIMEOUT);
                RbdImageHandle h = other.pool(pool.name()).open(name)) {
            h.write(0, new byte[] {1});
            scratch.trackTrash(pool, pool.trashMove(name, Duration.ZERO));
            assertFalse(pool.exists(name));
            h.write(1, new byte[] {2});
        }
    }
}
