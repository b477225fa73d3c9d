package io.jenkins.plugins.rbdcloud.engine.replication.internal;

import io.jenkins.plugins.rbdcloud.engine.images.GoldenNames;
import io.jenkins.plugins.rbdcloud.engine.replication.ReplicationException;
import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;

/**
 * Reads a golden stream, treating it as untrusted: every length, offset, number and name is
 * checked against {@link StreamFormat}'s limits and the record order before it is returned, and
 * the version and stream digests are verified at {@code E} and {@code F}, the signature (given
 * the key) at {@code G}. Any violation is a {@link ReplicationException} naming the byte offset.
 * A reader {@linkplain #pinnedTo pinned} to an earlier read of the same file also refuses any
 * version that differs from what that read saw (the file changed in between).
 */
public final class StreamReader {

    /** Info fields a version may carry across clusters (the origin's agent disk references stay behind). */
    public static final Set<String> INFO_FIELDS = Set.of("created-at", "created-by", "parent-version", "format", "source-checksum");
    private static final Pattern INFO_VALUE = Pattern.compile("[\\x20-\\x7e&&[^;=]]{0,256}");
    private static final Pattern ORIGIN = Pattern.compile("[A-Za-z0-9._:/@-]{1,300}");

    private final InputStream in;
    private final MessageDigest stream = StreamFormat.sha256();
    private MessageDigest version;
    private final ByteBuffer data = ByteBuffer.allocate(StreamFormat.MAX_DATA);
    private long pos;
    private boolean started;
    private boolean finished;
    private StreamRecord.VersionStart open;
    private long nextOffset;
    private Mac signature;
    private boolean signed;
    private boolean signatureChecked;
    private int lastVersion;
    private int versions;
    private boolean sawList;
    private boolean sawCurrent;
    private StreamSummary pins;
    private byte[] streamDigest;

    public StreamReader(InputStream in) {
        this(in, Optional.empty());
    }

    /** With a key, a signed stream's signature is checked; without one it cannot be. */
    public StreamReader(InputStream in, Optional<io.jenkins.plugins.rbdcloud.engine.replication.SigningKey> key) {
        this.in = new BufferedInputStream(in, 1 << 20);
        this.signature = key.map(io.jenkins.plugins.rbdcloud.engine.replication.SigningKey::mac).orElse(null);
    }

    /** Refuses versions and a stream that differ from {@code earlier}, an earlier read of the same input. */
    public StreamReader pinnedTo(StreamSummary earlier) {
        this.pins = earlier;
        return this;
    }

    /** Whether the stream is signed (format 2). */
    public boolean signed() {
        return signed;
    }

    /** The stream digest of the end record, once read. */
    public byte[] streamDigest() {
        return streamDigest.clone();
    }

    /** Whether its signature was checked against a key and matched (known after the end record). */
    public boolean signatureChecked() {
        return signatureChecked;
    }

    /** Bytes read so far. */
    public long bytes() {
        return pos;
    }

    /** The next record; {@link StreamRecord.Finish} is the last, after which the input must end. */
    public StreamRecord next() {
        try {
            if (!started) {
                return readStart();
            }
            if (finished) {
                throw invalid("read past the end record");
            }
            int t = in.read();
            if (t < 0) {
                throw invalid("stream ends without its end record (truncated?)");
            }
            byte tag = (byte) t;
            pos++;
            if (tag != StreamFormat.FINISH) {
                stream.update(tag);
            }
            if (signature != null && tag != StreamFormat.SIGNATURE && tag != StreamFormat.FINISH) {
                signature.update(tag);
            }
            if (version != null && tag != StreamFormat.VERSION_END) {
                version.update(tag);
            }
            return switch (tag) {
                case StreamFormat.VERSION_START -> readVersionStart();
                case StreamFormat.DATA -> readData();
                case StreamFormat.ZERO -> readZero();
                case StreamFormat.VERSION_END -> readVersionEnd();
                case StreamFormat.VERSION_LIST -> readVersionList();
                case StreamFormat.CURRENT -> readCurrent();
                case StreamFormat.SIGNATURE -> readSignature();
                case StreamFormat.FINISH -> readFinish();
                default -> throw invalid("unknown record type 0x" + Integer.toHexString(t));
            };
        } catch (EOFException e) {
            throw invalid(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the golden stream at byte " + pos + ": " + e.getMessage(), e);
        }
    }

    private StreamRecord readStart() throws IOException {
        byte[] magic = bytes(StreamFormat.MAGIC.length);
        if (!Arrays.equals(magic, StreamFormat.MAGIC)) {
            throw invalid("not an rbd-cloud golden stream (bad magic)");
        }
        int format = u16();
        if (format != StreamFormat.VERSION && format != StreamFormat.VERSION_SIGNED) {
            throw invalid("stream format " + format + " is not supported (this version reads formats " + StreamFormat.VERSION
                    + " and " + StreamFormat.VERSION_SIGNED + ")");
        }
        signed = format == StreamFormat.VERSION_SIGNED;
        if (u8() != StreamFormat.START) {
            throw invalid("the first record must be the start record");
        }
        started = true;
        String golden = string("golden image name");
        try {
            GoldenNames.check(golden);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        String origin = string("origin");
        if (!ORIGIN.matcher(origin).matches()) {
            throw invalid("origin must be <fsid>/<pool>/<name> of letters, digits and . _ : / @ -");
        }
        return new StreamRecord.Start(golden, origin);
    }

    private StreamRecord readVersionStart() throws IOException {
        outsideVersion("V");
        version = StreamFormat.sha256();
        version.update(StreamFormat.VERSION_START);
        int n = versionNumber(u32(), "version", false);
        if (n <= lastVersion) {
            throw invalid("v" + n + " follows v" + lastVersion + " (versions must ascend)");
        }
        if (++versions > StreamFormat.MAX_VERSIONS) {
            throw invalid("more than " + StreamFormat.MAX_VERSIONS + " versions in one stream");
        }
        lastVersion = n;
        int base = u32();
        if (base != 0) {
            versionNumber(base, "base version", false);
            if (base >= n) {
                throw invalid("v" + n + " is based on v" + base + ", which is not older");
            }
        }
        long size = u64();
        if (size <= 0 || size > StreamFormat.MAX_SIZE) {
            throw invalid("v" + n + " has size " + size + ", outside 1.." + StreamFormat.MAX_SIZE);
        }
        String from = string("from-snap");
        String to = string("to-snap");
        if (!from.equals(base == 0 ? "" : "v" + base) || !to.equals("v" + n)) {
            throw invalid("snapshots '" + Printable.of(from) + "' -> '" + Printable.of(to) + "' do not match versions " + base + " -> " + n);
        }
        byte[] baseChecksum = bytes(StreamFormat.CHECKSUM_BYTES);
        int count = u16();
        if (count > StreamFormat.MAX_INFO_FIELDS) {
            throw invalid("v" + n + " has " + count + " info fields, at most " + StreamFormat.MAX_INFO_FIELDS);
        }
        Map<String, String> info = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String k = string("info field");
            String v = string("info value");
            if (!INFO_FIELDS.contains(k) || !INFO_VALUE.matcher(v).matches() || info.put(k, v) != null) {
                throw invalid("v" + n + " has a bad or repeated info field '" + Printable.of(k) + "'");
            }
        }
        if (pins != null) {
            StreamSummary.Version pin = pins.versions().size() >= versions ? pins.versions().get(versions - 1) : null;
            if (pin == null || pin.version() != n || pin.base() != base || pin.sizeBytes() != size) {
                throw changed("v" + n);
            }
        }
        open = new StreamRecord.VersionStart(n, base, size, from, to, baseChecksum, info);
        nextOffset = 0;
        return open;
    }

    private StreamRecord readData() throws IOException {
        insideVersion("D");
        long offset = u64();
        long length = Integer.toUnsignedLong(u32());
        if (length == 0 || length > StreamFormat.MAX_DATA) {
            throw invalid("data record of " + length + " bytes (1.." + StreamFormat.MAX_DATA + " allowed)");
        }
        extent(offset, length);
        data.clear().limit((int) length);
        readFully(data.array(), 0, (int) length);
        return new StreamRecord.Data(offset, data.asReadOnlyBuffer());
    }

    private StreamRecord readZero() throws IOException {
        insideVersion("Z");
        long offset = u64();
        long length = u64();
        if (length <= 0) {
            throw invalid("zero record of " + length + " bytes");
        }
        if (open.base() == 0) {
            throw invalid("zero record in v" + open.version() + ", a full version (only differences carry zero records)");
        }
        extent(offset, length);
        return new StreamRecord.Zero(offset, length);
    }

    /** Extents must lie inside the image and come in ascending, non-overlapping order. */
    private void extent(long offset, long length) {
        if (offset < nextOffset || offset > open.sizeBytes() || length > open.sizeBytes() - offset) {
            throw invalid("extent " + offset + "+" + length + " is outside v" + open.version() + " (size "
                    + open.sizeBytes() + ") or overlaps the previous one");
        }
        nextOffset = offset + length;
    }

    private StreamRecord readVersionEnd() throws IOException {
        insideVersion("E");
        byte[] expected = version.digest();
        byte[] checksum = bytes(StreamFormat.CHECKSUM_BYTES);
        byte[] digest = bytes(StreamFormat.CHECKSUM_BYTES);
        if (!MessageDigest.isEqual(expected, digest)) {
            throw invalid("v" + open.version() + "'s records are corrupt (digest mismatch)");
        }
        if (pins != null && !MessageDigest.isEqual(pins.versions().get(versions - 1).digest(), digest)) {
            throw changed("v" + open.version());
        }
        version = null;
        open = null;
        return new StreamRecord.VersionEnd(checksum, digest, pos);
    }

    private StreamRecord readVersionList() throws IOException {
        outsideVersion("L");
        if (sawList) {
            throw invalid("a second version list");
        }
        sawList = true;
        int count = u32();
        if (count < 0 || count > StreamFormat.MAX_LISTED_VERSIONS) {
            throw invalid("version list of " + Integer.toUnsignedString(count) + " entries");
        }
        List<Integer> versions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            versions.add(versionNumber(u32(), "listed version", false));
        }
        return new StreamRecord.VersionList(List.copyOf(versions));
    }

    private StreamRecord readCurrent() throws IOException {
        outsideVersion("C");
        if (sawCurrent) {
            throw invalid("a second current record");
        }
        sawCurrent = true;
        return new StreamRecord.Current(versionNumber(u32(), "current version", true));
    }

    /** {@code G}: the HMAC of every byte before its tag; only in format 2, and only right before {@code F}. */
    private StreamRecord readSignature() throws IOException {
        outsideVersion("G");
        if (!signed) {
            throw invalid("signature record in an unsigned (format " + StreamFormat.VERSION + ") stream");
        }
        byte[] expected = signature == null ? null : signature.doFinal();
        signature = null;
        byte[] actual = bytes(StreamFormat.CHECKSUM_BYTES);
        if (expected != null) {
            if (!MessageDigest.isEqual(expected, actual)) {
                throw invalid("the signature does not match: the stream was changed after it was signed, or signed with another key");
            }
            signatureChecked = true;
        }
        int t = in.read();
        pos++;
        if (t != StreamFormat.FINISH) {
            throw invalid("the signature must be the last record before the end record");
        }
        return readFinish(true);
    }

    private StreamRecord readFinish() throws IOException {
        return readFinish(false);
    }

    private StreamRecord readFinish(boolean afterSignature) throws IOException {
        outsideVersion("F");
        if (signed && !afterSignature) {
            throw invalid("a signed (format " + StreamFormat.VERSION_SIGNED + ") stream ends without its signature record");
        }
        byte[] expected = stream.digest();
        byte[] digest = bytes(StreamFormat.CHECKSUM_BYTES);
        if (!MessageDigest.isEqual(expected, digest)) {
            throw invalid("the stream is corrupt (digest mismatch)");
        }
        if (pins != null && (versions != pins.versions().size() || !MessageDigest.isEqual(pins.streamDigest(), digest))) {
            throw changed("the stream");
        }
        streamDigest = digest;
        if (in.read() >= 0) {
            throw invalid("bytes follow the end record");
        }
        finished = true;
        return new StreamRecord.Finish();
    }

    private void insideVersion(String record) {
        if (open == null) {
            throw invalid("record " + record + " outside a version");
        }
    }

    private void outsideVersion(String record) {
        if (open != null) {
            throw invalid("record " + record + " inside v" + open.version() + " (its end record is missing)");
        }
    }

    private int versionNumber(int n, String what, boolean zeroAllowed) {
        if ((n == 0 && !zeroAllowed) || n < 0 || n > StreamFormat.MAX_VERSION) {
            throw invalid(what + " " + Integer.toUnsignedString(n) + " is outside 1.." + StreamFormat.MAX_VERSION);
        }
        return n;
    }

    private String string(String what) throws IOException {
        int len = u16();
        if (len > StreamFormat.MAX_STRING) {
            throw invalid(what + " is " + len + " bytes long, at most " + StreamFormat.MAX_STRING);
        }
        byte[] b = bytes(len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw invalid(what + " is not UTF-8");
        }
    }

    private int u8() throws IOException {
        return bytes(1)[0] & 0xff;
    }

    private int u16() throws IOException {
        return ByteBuffer.wrap(bytes(2)).getShort() & 0xffff;
    }

    private int u32() throws IOException {
        return ByteBuffer.wrap(bytes(4)).getInt();
    }

    private long u64() throws IOException {
        return ByteBuffer.wrap(bytes(8)).getLong();
    }

    private byte[] bytes(int n) throws IOException {
        byte[] b = new byte[n];
        readFully(b, 0, n);
        return b;
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int r = in.read(b, off + done, len - done);
            if (r < 0) {
                throw new EOFException("stream ends inside a record at byte " + (pos + done) + " (truncated?)");
            }
            done += r;
        }
        pos += len;
        stream.update(b, off, len);
        if (version != null) {
            version.update(b, off, len);
        }
        if (signature != null) {
            signature.update(b, off, len);
        }
    }

    private ReplicationException changed(String what) {
        return invalid(what + " differs from when it was checked: the input changed while it was being read twice");
    }

    private ReplicationException invalid(String why) {
        return new ReplicationException("invalid golden stream at byte " + pos + ": " + why);
    }
}
