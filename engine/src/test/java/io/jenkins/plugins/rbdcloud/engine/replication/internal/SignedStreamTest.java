package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import io.jenkins.plugins.rbdcloud.engine.replication.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed streams (format 2), reads pinned to an earlier read, and the reader's limits on what a hostile stream may declare. */
class SignedStreamTest {

    @TempDir
    Path dir;

    private SigningKey key(String name, int seed) throws IOException {
        byte[] k = new byte[32];
        new java.util.Random(seed).nextBytes(k);
        return SigningKey.read(privateFile(Files.write(dir.resolve(name), k)));
    }

    private static Path privateFile(Path f) throws IOException {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static byte[] stream(Optional<SigningKey> key, byte fill, Consumer<StreamWriter> more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamWriter w = new StreamWriter(out, key);
        w.start("base-image", "fsid-1/images/base-image");
        w.beginVersion(new StreamRecord.VersionStart(1, 0, 1 << 20, "", "v1", new byte[32], Map.of("format", "raw")));
        byte[] data = new byte[16];
        java.util.Arrays.fill(data, fill);
        w.data(0, ByteBuffer.wrap(data));
        w.endVersion(new byte[32]);
        more.accept(w);
        w.current(1);
        w.finish();
        return out.toByteArray();
    }

    private static StreamSummary read(byte[] bytes, Optional<SigningKey> key) {
        return StreamSummary.read(new StreamReader(new ByteArrayInputStream(bytes), key));
    }

    @Test
    void aSignedStreamReadsWithItsKeyAndAnyChangeIsRefused() throws IOException {
        SigningKey k = key("k", 1);
        byte[] signed = stream(Optional.of(k), (byte) 1, w -> { });
        StreamSummary s = read(signed, Optional.of(k));
        assertTrue(s.signed() && s.signatureChecked());
        assertEquals(1, s.versions().size());
        assertEquals(16, s.versions().get(0).dataBytes());

        // Without the key it still reads (digests only), but counts as unchecked.
        StreamSummary unchecked = read(signed, Optional.empty());
        assertTrue(unchecked.signed());
        assertFalse(unchecked.signatureChecked());

        // Other content with valid digests, signed by someone without our key: refused.
        byte[] forged = stream(Optional.of(key("other", 2)), (byte) 2, w -> { });
        ReplicationException e = assertThrows(ReplicationException.class, () -> read(forged, Optional.of(k)));
        assertTrue(e.getMessage().contains("signature does not match"), e.getMessage());

        // Every single flipped byte is refused (digest, signature or format).
        for (int i = 0; i < signed.length; i++) {
            byte[] bad = signed.clone();
            bad[i] ^= 0x01;
            assertThrows(RuntimeException.class, () -> read(bad, Optional.of(k)), "flip at " + i);
        }
    }

    @Test
    void aSignedHeaderWithoutItsSignatureIsRefused() throws IOException {
        SigningKey k = key("k", 1);
        byte[] unsigned = stream(Optional.empty(), (byte) 1, w -> { });
        StreamSummary plain = read(unsigned, Optional.of(k));
        assertFalse(plain.signed() || plain.signatureChecked(), "an unsigned stream is only digest-checked");

        // Relabelled as signed, digests recomputed (anyone can): refused for the missing signature record.
        byte[] relabelled = unsigned.clone();
        relabelled[9] = StreamFormat.VERSION_SIGNED;
        fixDigests(relabelled);
        String why = assertThrows(ReplicationException.class, () -> read(relabelled, Optional.empty())).getMessage();
        assertTrue(why.contains("without its signature"), why);
    }

    @Test
    void hostileDeclarationsAreRefused() {
        assertTrue(refusal(stream(Optional.empty(), (byte) 1, w -> {
            w.beginVersion(new StreamRecord.VersionStart(2, 0, 1 << 20, "", "v2", new byte[32], Map.of()));
            w.zero(0, 4096);
            w.endVersion(new byte[32]);
        })).contains("full version"));
        assertTrue(refusal(stream(Optional.empty(), (byte) 1, w -> {
            w.beginVersion(new StreamRecord.VersionStart(1, 0, 4096, "", "v1", new byte[32], Map.of()));
            w.endVersion(new byte[32]);
        })).contains("must ascend"));
        assertTrue(refusal(stream(Optional.empty(), (byte) 1, w -> {
            for (int n = 2; n <= StreamFormat.MAX_VERSIONS + 1; n++) {
                w.beginVersion(new StreamRecord.VersionStart(n, 0, 4096, "", "v" + n, new byte[32], Map.of()));
                w.endVersion(new byte[32]);
            }
        })).contains("more than " + StreamFormat.MAX_VERSIONS));
        assertTrue(refusal(stream(Optional.empty(), (byte) 1, w -> w.current(1))).contains("second current"));
        assertTrue(refusal(stream(Optional.empty(), (byte) 1, w -> {
            w.versionList(List.of(1));
            w.versionList(List.of(1));
        })).contains("second version list"));
    }

    @Test
    void aPinnedReaderRefusesInputThatChangedSinceTheFirstRead() {
        byte[] first = stream(Optional.empty(), (byte) 1, w -> { });
        StreamSummary checked = read(first, Optional.empty());
        StreamSummary again = StreamSummary.read(new StreamReader(new ByteArrayInputStream(first.clone())).pinnedTo(checked));
        assertArrayEquals(checked.streamDigest(), again.streamDigest());

        byte[] swapped = stream(Optional.empty(), (byte) 3, w -> { });
        ReplicationException e = assertThrows(ReplicationException.class,
                () -> StreamSummary.read(new StreamReader(new ByteArrayInputStream(swapped)).pinnedTo(checked)));
        assertTrue(e.getMessage().contains("changed"), e.getMessage());
    }

    @Test
    void keyFilesAreReadWithLimitsAndNeverShown() throws IOException {
        Path shortKey = privateFile(Files.writeString(dir.resolve("short"), "hunter2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SigningKey.read(shortKey));
        assertTrue(e.getMessage().contains("shorter than 32") && !e.getMessage().contains("hunter2"), e.getMessage());

        Path open = Files.writeString(dir.resolve("open"), "x".repeat(40));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SigningKey.read(open)).getMessage().contains("every user"));

        Path big = privateFile(Files.write(dir.resolve("big"), new byte[5000]));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SigningKey.read(big)).getMessage().contains("longer than"));

        Path good = privateFile(Files.writeString(dir.resolve("good"), "s3cret-".repeat(6)));
        Path link = Files.createSymbolicLink(dir.resolve("link"), good);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SigningKey.read(link)).getMessage().contains("symbolic"));
        assertFalse(SigningKey.read(good).toString().contains("s3cret"));
    }

    private static String refusal(byte[] bytes) {
        return assertThrows(ReplicationException.class, () -> read(bytes, Optional.empty())).getMessage();
    }

    /** Recomputes the end record's digest, as anyone without a key can. */
    private static void fixDigests(byte[] b) {
        java.security.MessageDigest d = StreamFormat.sha256();
        d.update(b, 0, b.length - 33);
        System.arraycopy(d.digest(), 0, b, b.length - 32, 32);
    }
}
