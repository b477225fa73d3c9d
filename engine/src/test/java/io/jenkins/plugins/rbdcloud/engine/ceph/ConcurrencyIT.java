package io.jenkins.plugins.rbdcloud.engine.ceph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One connection shared by several threads, and a close racing with I/O. */
@ExtendWith(DevEnvironmentExtension.class)
class ConcurrencyIT {

    private static final int MiB = 1 << 20;

    @Test
    void threadsShareOneConnection(DevEnv env) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (CephCluster cluster = CephCluster.connect(CephItBase.controller(env), CephItBase.TIMEOUT);
                ScratchImages scratch = new ScratchImages()) {
            RbdPool images = cluster.pool(env.imagesPool());
            String golden = scratch.create(images, env.uniqueName("cc-golden"), 16 * MiB);
            byte[] data = RbdImageIT.pattern(64 * 1024);
            try (RbdImageHandle h = images.open(golden)) {
                h.write(0, data);
            }
            images.snapCreate(golden, "v1");
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                jobs.add(pool.submit(() -> {
                    RbdPool agents = cluster.pool(env.agentsPool());
                    for (int i = 0; i < 4; i++) {
                        String child = scratch.track(agents, env.uniqueName("cc"));
                        images.clone(golden, "v1", agents, child);
                        agents.metaSet(child, "rbd-cloud.owner", "it");
                        try (RbdImageHandle h = agents.open(child)) {
                            assertArrayEquals(data, h.read(0, data.length));
                            h.write(MiB, data);
                        }
                        assertEquals(Optional.of("it"), agents.metaGet(child, "rbd-cloud.owner"));
                        agents.remove(child);
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), images.children(golden, "v1"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeWaitsForIoInFlightAndLaterIoFailsCleanly(DevEnv env) throws Exception {
        String name = env.uniqueName("cc-close");
        try (CephCluster owner = CephCluster.connect(CephItBase.controller(env), CephItBase.TIMEOUT);
                ScratchImages scratch = new ScratchImages()) {
            scratch.create(owner.pool(env.agentsPool()), name, 8 * MiB);
            CephCluster cluster = CephCluster.connect(CephItBase.controller(env), CephItBase.TIMEOUT);
            RbdImageHandle h = cluster.pool(env.agentsPool()).open(name);
            AtomicLong reads = new AtomicLong();
            AtomicReference<Throwable> ended = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        h.read(0, MiB);
                        reads.incrementAndGet();
                        started.countDown();
                    }
                } catch (Throwable t) {
                    ended.set(t);
                }
            });
            reader.start();
            assertTrue(started.await(30, TimeUnit.SECONDS));
            cluster.close();
            reader.join(30_000);
            assertInstanceOf(IllegalStateException.class, ended.get());
            assertTrue(reads.get() > 0);
            // The image was closed cleanly: no watcher and no lock left behind.
            assertEquals(List.of(), owner.pool(env.agentsPool()).watchers(name));
            owner.pool(env.agentsPool()).remove(name);
        }
    }
}
