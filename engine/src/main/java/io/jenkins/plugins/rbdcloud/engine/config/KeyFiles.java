package io.jenkins.plugins.rbdcloud.engine.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Reads secrets from files (cephx keys, secret launch variables), so the config file itself holds
 * no secret and can be shown, diffed and committed. Messages name the file, never its content.
 */
final class KeyFiles {

    private static final long MAX_BYTES = 64 * 1024;

    private KeyFiles() {
    }

    /** A cephx key file: the bare base64 key, as {@code ceph auth print-key client.<id>} prints it. */
    static Secret read(Path file) {
        Secret s = readSecret(file);
        if (s.reveal().contains("[client.") || s.reveal().contains("key =")) {
            throw new IllegalArgumentException("file " + file + " is a keyring; store only the key: "
                    + "ceph auth print-key client.<id> > " + file);
        }
        return s;
    }

    /** A file the controller needs later (ceph.conf): fail now, with the key, rather than at first connect. */
    static Path existing(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("file " + file + " does not exist or is not readable");
        }
        return file;
    }

    /** Any secret file; trailing line breaks and blanks are dropped. */
    static Secret readSecret(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("file " + file + " does not exist or is not a regular file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("file " + file + " is larger than 64 KiB; is it the right file?");
            }
            checkNotWorldReadable(file);
            String value = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
            if (value.isEmpty()) {
                throw new IllegalArgumentException("file " + file + " is empty");
            }
            return Secret.fromFile(value, file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** As ssh does for private keys: a secret anyone on the host can read is refused, not used. */
    private static void checkNotWorldReadable(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IllegalArgumentException("file " + file + " is readable by every user; run chmod 600 " + file);
        }
    }
}
