package io.jenkins.plugins.rbdcloud.engine.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A UNIX socket that forwards to libvirtd's and can cut every connection at once. */
public final class SocketProxy implements AutoCloseable {
    public final Path path;
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();

    public SocketProxy(Path path, Path target) throws IOException {
        this.path = path;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    SocketChannel client = server.accept();
                    SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(target));
                    open.add(client);
                    open.add(upstream);
                    Thread.ofVirtual().start(() -> pump(client, upstream));
                    Thread.ofVirtual().start(() -> pump(upstream, client));
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    to.write(b);
                }
                b.clear();
            }
        } catch (IOException e) {
            // one side closed
        }
        try {
            to.close();
        } catch (IOException e) {
            // closed
        }
    }

    public void dropAll() throws IOException {
        for (SocketChannel c : open) {
            c.close();
        }
        open.clear();
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropAll();
        Files.deleteIfExists(path);
    }
}
