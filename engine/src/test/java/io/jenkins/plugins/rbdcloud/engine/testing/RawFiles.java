package io.jenkins.plugins.rbdcloud.engine.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/** Sparse raw disk files with known content, for import and replication tests. */
public final class RawFiles {

    private static final int MiB = 1 << 20;

    private RawFiles() {}

    /** Writes {@code f}: {@code size} bytes, random data (from {@code seed}) in the listed 1 MiB blocks, holes elsewhere. */
    public static Path write(Path f, long size, long seed, int... dataMiB) throws IOException {
        Random r = new Random(seed);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int m : dataMiB) {
                byte[] b = new byte[MiB];
                r.nextBytes(b);
                ch.write(ByteBuffer.wrap(b), (long) m * MiB);
            }
            ch.truncate(size);
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return f;
    }
}
