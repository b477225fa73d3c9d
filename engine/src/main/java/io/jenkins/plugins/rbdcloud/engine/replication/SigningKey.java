package io.jenkins.plugins.rbdcloud.engine.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of backup signatures (HMAC-SHA256, docs/replication.md): the bytes of a key file, as
 * they are. Read with limits (a regular file, not a symbolic link, 32 bytes to 4 KiB, not readable
 * by every user); messages and {@link #toString()} name the file, never its content.
 */
public final class SigningKey {

    static final int MIN_BYTES = 32;
    static final int MAX_BYTES = 4096;

    private final Path file;
    private final byte[] key;

    private SigningKey(Path file, byte[] key) {
        this.file = file;
        this.key = key;
    }

    public static SigningKey read(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                throw new IllegalArgumentException("signature key " + file + " is not a regular file (symbolic links are refused)");
            }
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")
                    && Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalArgumentException("signature key " + file + " is readable by every user; run chmod 600 " + file);
            }
            ByteBuffer b = ByteBuffer.allocate(MAX_BYTES + 1);
            try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                while (b.hasRemaining() && ch.read(b) >= 0) {
                    // up to one byte past the limit, to tell a file that is too long
                }
            }
            if (b.position() > MAX_BYTES) {
                throw new IllegalArgumentException("signature key " + file + " is longer than " + MAX_BYTES + " bytes; is it the right file?");
            }
            if (b.position() < MIN_BYTES) {
                throw new IllegalArgumentException("signature key " + file + " is shorter than " + MIN_BYTES
                        + " bytes; make one with: head -c 32 /dev/urandom > " + file + " && chmod 600 " + file);
            }
            byte[] key = Arrays.copyOf(b.array(), b.position());
            Arrays.fill(b.array(), (byte) 0);
            return new SigningKey(file, key);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read signature key " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A fresh HMAC-SHA256 keyed with this key. */
    public Mac mac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public String toString() {
        return "signature key " + file;
    }
}
