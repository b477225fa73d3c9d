package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.testing.DevEnv;
import io.jenkins.plugins.rbdcloud.engine.testing.DevEnvironmentExtension;
import io.jenkins.plugins.rbdcloud.engine.testing.SocketProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libvirt.Connect;

/** Connections to the real libvirtd, a dead one, a hanging one, and one that drops. */
@ExtendWith(DevEnvironmentExtension.class)
class HypervisorIT {

    static final Hypervisor.Capacity CAPACITY = new Hypervisor.Capacity(2, 2048, 2);

    @Test
    void connectsLazilyAndReadsTheVirtType(DevEnv env) throws Exception {
        try (Hypervisor hv = Hypervisor.of(env.libvirtUri(), CAPACITY)) {
            assertFalse(hv.status().available(), "nothing opened before first use");
            long t0 = System.nanoTime();
            Connect c = hv.connection();
            System.out.printf("connected in %d ms; host offers %s%n", ms(t0), hv.virtType());
            assertTrue(hv.status().available());
            assertSame(c, hv.connection(), "kept open and reused");
            assertTrue(c.isAlive());
        }
    }

    @Test
    void closingOneEnginesCephSecretLeavesTheSecretAnotherEngineOfTheSameCloudUses(DevEnv env) throws Exception {
        String scope = env.uniqueName("sec");
        String key = fakeKey();
        try (Hypervisor hv = Hypervisor.of(env.libvirtUri(), CAPACITY)) {
            CephSecrets controller = new CephSecrets(hv, scope);
            CephSecrets cli = new CephSecrets(hv, scope);
            try {
                java.util.UUID used = controller.ensure("rbd-cloud-hv", key);
                cli.ensure("rbd-cloud-hv", key);
                cli.remove("rbd-cloud-hv"); // a CLI engine closing
                hv.connection().secretLookupByUUIDString(used.toString()).free(); // throws when it is gone
                assertEquals(1, controller.list().size(), controller.list()::toString);
            } finally {
                cli.remove("rbd-cloud-hv");
                controller.remove("rbd-cloud-hv");
            }
            assertEquals(List.of(), controller.list());
        }
    }

    @Test
    void aCephSecretThatIsNotPrivateNeverGetsTheKey(DevEnv env) throws Exception {
        String key = fakeKey();
        try (Hypervisor hv = Hypervisor.of(env.libvirtUri(), CAPACITY)) {
            CephSecrets secrets = new CephSecrets(hv, env.uniqueName("sec"));
            String usage = secrets.usage("rbd-cloud-hv");
            org.libvirt.Secret planted = hv.connection().secretDefineXML("<secret ephemeral='yes' private='no'>"
                    + "<usage type='ceph'><name>" + usage + "</name></usage></secret>");
            try {
                HypervisorException e = assertThrows(HypervisorException.class, () -> secrets.ensure("rbd-cloud-hv", key));
                System.out.println("planted secret: " + e.getMessage());
                assertTrue(e.getMessage().contains("not private and ephemeral"), e.getMessage());
                assertFalse(e.getMessage().contains(key));
                assertThrows(org.libvirt.LibvirtException.class, planted::getByteValue, "no value was put into it");
            } finally {
                planted.undefine();
                planted.free();
            }
        }
    }

    /** A well-formed cephx-sized key that opens nothing. */
    private static String fakeKey() {
        byte[] b = new byte[28];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    @Test
    void deadHypervisorIsReportedUnavailableQuicklyAndRetriedLater(@org.junit.jupiter.api.io.TempDir Path dir) {
        Hypervisor dead = new Hypervisor("qemu:///system?socket=" + dir.resolve("no-such-sock"), CAPACITY,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Clock.systemUTC());
        long t0 = System.nanoTime();
        HypervisorUnavailableException e = assertThrows(HypervisorUnavailableException.class, dead::connection);
        long first = ms(t0);
        t0 = System.nanoTime();
        HypervisorUnavailableException again = assertThrows(HypervisorUnavailableException.class, dead::connection);
        long second = ms(t0);
        System.out.printf("dead URI: first failure %d ms, cached failure %d ms: %s%n", first, second, again.getMessage());
        assertTrue(first < 2000, "fails fast: " + first);
        assertTrue(second < 50, "no new attempt before retryAfter: " + second);
        assertFalse(dead.status().available());
        assertTrue(dead.status().error().contains("no-such-sock"), dead.status().error());
        assertTrue(again.getMessage().contains("unavailable"), again.getMessage());
        dead.close();
    }

    @Test
    void hangingHypervisorTimesOutWithoutBlockingAnother(DevEnv env) throws Exception {
        // accepts TCP connections and never answers: libvirt's handshake waits forever
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                Hypervisor hanging = new Hypervisor("qemu+tcp://127.0.0.1:" + silent.getLocalPort() + "/system", CAPACITY,
                        Duration.ofSeconds(2), Duration.ofSeconds(30), Clock.systemUTC());
                Hypervisor good = Hypervisor.of(env.libvirtUri(), CAPACITY)) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            long t0 = System.nanoTime();
            CompletableFuture<Throwable> stuck = CompletableFuture.supplyAsync(() -> {
                try {
                    hanging.connection();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            Thread.sleep(200);
            long g0 = System.nanoTime();
            good.connection();
            long goodMs = ms(g0);
            Throwable failure = stuck.get(10, TimeUnit.SECONDS);
            long hangMs = ms(t0);
            System.out.printf("hanging URI gave up after %d ms (%s); the good one connected meanwhile in %d ms%n",
                    hangMs, failure == null ? "no error" : failure.getMessage(), goodMs);
            assertTrue(failure instanceof HypervisorUnavailableException, String.valueOf(failure));
            assertTrue(hangMs >= 1900 && hangMs < 4000, "bounded by the connect timeout: " + hangMs);
            assertTrue(goodMs < 1500, "not blocked by the hanging one: " + goodMs);
            assertFalse(hanging.status().available());
            silent.close();
            acceptor.join(1000);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void droppedConnectionIsReopenedAndHooksRunAgain(DevEnv env, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path realSocket = Path.of(env.libvirtUri().substring(env.libvirtUri().indexOf("socket=") + "socket=".length()));
        try (SocketProxy proxy = new SocketProxy(dir.resolve("proxy-sock"), realSocket);
                Hypervisor hv = new Hypervisor("qemu:///system?socket=" + proxy.path, CAPACITY,
                        Duration.ofSeconds(5), Duration.ofMillis(100), Clock.systemUTC());
                DomainEvents events = new DomainEvents(hv)) {
            AtomicInteger opened = new AtomicInteger();
            hv.addConnectionHook(c -> opened.incrementAndGet());
            Connect first = hv.connection();
            assertEquals(1, opened.get());
            proxy.dropAll(); // like a network cut or a libvirtd restart
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (first.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long t0 = System.nanoTime();
            Connect second = hv.connection();
            System.out.printf("reopened after a drop in %d ms%n", ms(t0));
            assertNotSame(first, second);
            assertTrue(second.isAlive());
            assertEquals(2, opened.get(), "hooks (event registration) ran for the new connection");
            assertTrue(hv.status().available());
            second.getCapabilities();
        }
    }

    /**
     * Jenkins stopping closes the engine while a launcher may still be opening a channel: libvirt
     * frees a connection closed under a call, and the JVM died (exit 134 in CI). Close waits.
     */
    @Test
    void closeWaitsForACallStillUsingTheConnection(DevEnv env) throws Exception {
        Hypervisor hv = Hypervisor.of(env.libvirtUri(), CAPACITY);
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Own threads: the common pool may have a single one, which would run the two in turn.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> hv.call("reading the host name", c -> {
            inCall.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return c.getHostName(); // after close began
        }), threads);
        assertTrue(inCall.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> closing = CompletableFuture.runAsync(hv::close, threads);
        Thread.sleep(500);
        assertFalse(closing.isDone(), "close returned while a call was using the connection");
        release.countDown();
        assertFalse(call.get(10, TimeUnit.SECONDS).isBlank(), "the call in flight finished on its connection");
        closing.get(15, TimeUnit.SECONDS);
        HypervisorUnavailableException after = assertThrows(HypervisorUnavailableException.class, hv::probe);
        assertTrue(after.getMessage().contains("closed"), after.getMessage());
        threads.shutdown();
    }

    private static long ms(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
