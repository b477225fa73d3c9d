package io.jenkins.plugins.rbdcloud.engine.testing;

import io.jenkins.plugins.rbdcloud.engine.ceph.RbdImageHandle;
import io.jenkins.plugins.rbdcloud.engine.ceph.RbdPool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The dev test guest's raw disk imported into the images pool as a golden image with a protected
 * snapshot, written sparse (all-zero chunks are skipped) through the engine's RBD store. Removed
 * again by {@link #close()}.
 */
public final class TestGoldenImage implements AutoCloseable {

    public static final String SNAP = "v1";
    private static final int CHUNK = 4 << 20;

    private final RbdPool images;
    private final String name;

    private TestGoldenImage(RbdPool images, String name) {
        this.images = images;
        this.name = name;
    }

    /** Imports {@code rawFile} as {@code images/name@v1} (protected). */
    public static TestGoldenImage importRaw(RbdPool images, String name, Path rawFile) throws IOException {
        long size = Files.size(rawFile);
        images.create(name, size);
        TestGoldenImage golden = new TestGoldenImage(images, name);
        try (RbdImageHandle img = images.open(name); InputStream in = Files.newInputStream(rawFile)) {
            byte[] buf = new byte[CHUNK];
            byte[] zero = new byte[CHUNK];
            long pos = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, CHUNK)) > 0) {
                if (!Arrays.equals(buf, 0, n, zero, 0, n)) {
                    img.write(pos, Arrays.copyOf(buf, n));
                }
                pos += n;
            }
            img.flush();
        } catch (IOException | RuntimeException e) {
            golden.close();
            throw e;
        }
        images.snapCreate(name, SNAP);
        images.snapProtect(name, SNAP);
        return golden;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (!images.exists(name)) {
            return;
        }
        images.snaps(name).forEach(s -> {
            if (s.isProtected()) {
                images.snapUnprotect(name, s.name());
            }
            images.snapRemove(name, s.name());
        });
        images.remove(name);
    }
}
