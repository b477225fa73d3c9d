package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;

/**
 * Writes a golden stream (docs/replication.md). Keeps the two digests the reader checks: the
 * version digest (from a {@code V} tag up to its {@code E} tag) and the stream digest (every byte
 * before the {@code F} tag) and, with a signing key, the HMAC of every byte before the {@code G}
 * tag (format 2). Not thread-safe.
 */
public final class StreamWriter {

    private final DataOutputStream out;
    private final MessageDigest stream = StreamFormat.sha256();
    private MessageDigest version;
    private Mac signature;
    private long bytes;
    private final byte[] copy = new byte[64 << 10];

    public StreamWriter(OutputStream out) {
        this(out, Optional.empty());
    }

    /** With a key the stream is signed (format 2). */
    public StreamWriter(OutputStream out, Optional<io.jenkins.plugins.rbdcloud.engine.replication.SigningKey> key) {
        this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 20));
        this.signature = key.map(io.jenkins.plugins.rbdcloud.engine.replication.SigningKey::mac).orElse(null);
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    public void start(String golden, String origin) {
        put(StreamFormat.MAGIC);
        u16(signature == null ? StreamFormat.VERSION : StreamFormat.VERSION_SIGNED);
        tag(StreamFormat.START);
        string(golden);
        string(origin);
    }

    public void beginVersion(StreamRecord.VersionStart v) {
        if (version != null) {
            throw new IllegalStateException("version v" + v.version() + " begins inside another one");
        }
        version = StreamFormat.sha256();
        tag(StreamFormat.VERSION_START);
        u32(v.version());
        u32(v.base());
        u64(v.sizeBytes());
        string(v.fromSnap());
        string(v.toSnap());
        put(v.baseChecksum());
        u16(v.info().size());
        v.info().forEach((k, val) -> {
            string(k);
            string(val);
        });
    }

    /** Writes {@code bytes} (position to limit) as one data record; its position is not moved. */
    public void data(long offset, ByteBuffer bytes) {
        tag(StreamFormat.DATA);
        u64(offset);
        u32(bytes.remaining());
        ByteBuffer b = bytes.duplicate();
        while (b.hasRemaining()) {
            int n = Math.min(copy.length, b.remaining());
            b.get(copy, 0, n);
            put(copy, 0, n);
        }
    }

    public void zero(long offset, long length) {
        tag(StreamFormat.ZERO);
        u64(offset);
        u64(length);
    }

    public void endVersion(byte[] checksum) {
        byte[] digest = version.digest();
        version = null;
        tag(StreamFormat.VERSION_END);
        put(checksum);
        put(digest);
    }

    public void versionList(List<Integer> versions) {
        tag(StreamFormat.VERSION_LIST);
        u32(versions.size());
        versions.forEach(this::u32);
    }

    public void current(int n) {
        tag(StreamFormat.CURRENT);
        u32(n);
    }

    /** Writes the signature (when signing) and the final record, and flushes; the caller closes the underlying stream. */
    public void finish() {
        if (signature != null) {
            byte[] sig = signature.doFinal();
            signature = null;
            tag(StreamFormat.SIGNATURE);
            put(sig);
        }
        byte[] digest = stream.digest();
        tag(StreamFormat.FINISH);
        put(digest);
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the golden stream: " + e.getMessage(), e);
        }
    }

    // A tag counts in the version digest unless it ends the version, in the stream digest unless it ends the stream.
    private void tag(byte t) {
        write(new byte[] {t}, 0, 1, t != StreamFormat.FINISH, t != StreamFormat.VERSION_END);
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > StreamFormat.MAX_STRING) {
            throw new IllegalArgumentException("string longer than " + StreamFormat.MAX_STRING + " bytes in a golden stream");
        }
        u16(b.length);
        put(b);
    }

    private void u16(int v) {
        put(new byte[] {(byte) (v >>> 8), (byte) v});
    }

    private void u32(int v) {
        put(ByteBuffer.allocate(4).putInt(v).array());
    }

    private void u64(long v) {
        put(ByteBuffer.allocate(8).putLong(v).array());
    }

    private void put(byte[] b) {
        put(b, 0, b.length);
    }

    private void put(byte[] b, int off, int len) {
        write(b, off, len, true, true);
    }

    private void write(byte[] b, int off, int len, boolean inStream, boolean inVersion) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the golden stream: " + e.getMessage(), e);
        }
        bytes += len;
        if (inStream) {
            stream.update(b, off, len);
        }
        if (signature != null) {
            signature.update(b, off, len);
        }
        if (inVersion && version != null) {
            version.update(b, off, len);
        }
    }
}
