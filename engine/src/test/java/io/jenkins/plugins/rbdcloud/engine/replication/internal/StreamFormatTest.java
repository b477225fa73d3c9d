package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class StreamFormatTest {

    private static final byte[] SUM = new byte[32];

    static {
        Arrays.fill(SUM, (byte) 7);
    }

    private static byte[] stream(Consumer<StreamWriter> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(out);
        w.start("base-image", "fsid-1/images/base-image");
        body.accept(w);
        w.finish();
        return out.toByteArray();
    }

    private static StreamRecord.VersionStart v(int n, int base, long size, Map<String, String> info) {
        return new StreamRecord.VersionStart(n, base, size, base == 0 ? "" : "v" + base, "v" + n, new byte[32], info);
    }

    private static byte[] oneVersion() {
        return stream(w -> {
            w.beginVersion(v(2, 1, 1 << 20, Map.of("created-by", "import", "format", "raw")));
            w.data(4096, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            w.zero(8192, 4096);
            w.endVersion(SUM);
            w.versionList(List.of(1, 2));
            w.current(2);
        });
    }

    private static List<StreamRecord> readAll(byte[] bytes) {
        StreamReader r = new StreamReader(new ByteArrayInputStream(bytes));
        List<StreamRecord> out = new ArrayList<>();
        StreamRecord rec;
        do {
            rec = r.next();
            if (rec instanceof StreamRecord.Data d) {
                byte[] copy = new byte[d.bytes().remaining()];
                d.bytes().duplicate().get(copy);
                rec = new StreamRecord.Data(d.offset(), ByteBuffer.wrap(copy));
            }
            out.add(rec);
        } while (!(rec instanceof StreamRecord.Finish));
        return out;
    }

    @Test
    void roundTripsEveryRecord() {
        List<StreamRecord> recs = readAll(oneVersion());
        assertEquals(new StreamRecord.Start("base-image", "fsid-1/images/base-image"), recs.get(0));
        StreamRecord.VersionStart vs = assertInstanceOf(StreamRecord.VersionStart.class, recs.get(1));
        assertEquals(2, vs.version());
        assertEquals(1, vs.base());
        assertEquals("v1", vs.fromSnap());
        assertEquals(Map.of("created-by", "import", "format", "raw"), vs.info());
        StreamRecord.Data d = assertInstanceOf(StreamRecord.Data.class, recs.get(2));
        assertEquals(4096, d.offset());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), d.bytes());
        assertEquals(new StreamRecord.Zero(8192, 4096), recs.get(3));
        assertArrayEquals(SUM, assertInstanceOf(StreamRecord.VersionEnd.class, recs.get(4)).checksum());
        assertEquals(new StreamRecord.VersionList(List.of(1, 2)), recs.get(5));
        assertEquals(new StreamRecord.Current(2), recs.get(6));
        assertInstanceOf(StreamRecord.Finish.class, recs.get(7));
    }

    @Test
    void everyFlippedByteIsDetected() {
        byte[] good = oneVersion();
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            int at = i;
            RuntimeException e = assertThrows(RuntimeException.class, () -> readAll(bad), "flip at byte " + at);
            assertTrue(e instanceof ReplicationException || e instanceof IllegalArgumentException, e.toString());
        }
    }

    @Test
    void truncatedStreamsAreRefused() {
        byte[] good = oneVersion();
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(ReplicationException.class, () -> readAll(cut), "cut at " + len);
        }
    }

    @Test
    void extentsOutsideTheImageAreRefused() {
        byte[] past = stream(w -> {
            w.beginVersion(v(2, 1, 8192, Map.of()));
            w.zero(4096, 8192);
            w.endVersion(SUM);
        });
        assertTrue(assertThrows(ReplicationException.class, () -> readAll(past)).getMessage().contains("outside v2"));
        byte[] overflow = stream(w -> {
            w.beginVersion(v(2, 1, 8192, Map.of()));
            w.zero(Long.MAX_VALUE - 10, 100);
            w.endVersion(SUM);
        });
        assertThrows(ReplicationException.class, () -> readAll(overflow));
        byte[] backwards = stream(w -> {
            w.beginVersion(v(2, 1, 1 << 20, Map.of()));
            w.zero(8192, 4096);
            w.zero(0, 4096);
            w.endVersion(SUM);
        });
        assertThrows(ReplicationException.class, () -> readAll(backwards));
    }

    @Test
    void badNamesAndFieldsNeverPassTheReader() {
        for (String name : List.of("../x", "a/b", "a@b", "A", "x".repeat(65), "", "a\u0000b", "images:conf=/etc/passwd")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StreamWriter w = new StreamWriter(out);
            w.start(name, "fsid/images/x");
            w.finish();
            assertThrows(ReplicationException.class, () -> readAll(out.toByteArray()), name);
        }
        byte[] unknownField = stream(w -> {
            w.beginVersion(v(1, 0, 4096, Map.of("source", "agents/disk@snap")));
            w.endVersion(SUM);
        });
        assertThrows(ReplicationException.class, () -> readAll(unknownField));
        byte[] badBase = stream(w -> {
            w.beginVersion(new StreamRecord.VersionStart(2, 3, 4096, "v3", "v2", new byte[32], Map.of()));
            w.endVersion(SUM);
        });
        assertThrows(ReplicationException.class, () -> readAll(badBase));
        byte[] snapNames = stream(w -> {
            w.beginVersion(new StreamRecord.VersionStart(2, 1, 4096, "v1", "evil@snap", new byte[32], Map.of()));
            w.endVersion(SUM);
        });
        assertThrows(ReplicationException.class, () -> readAll(snapNames));
    }

    @Test
    void recordsOutsideAVersionAndTrailingBytesAreRefused() {
        byte[] stray = stream(w -> w.zero(0, 4096));
        assertThrows(ReplicationException.class, () -> readAll(stray));
        byte[] trailing = Arrays.copyOf(oneVersion(), oneVersion().length + 1);
        assertThrows(ReplicationException.class, () -> readAll(trailing));
        assertThrows(ReplicationException.class, () -> readAll("not a stream at all".getBytes()));
    }
}
