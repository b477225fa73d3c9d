package io.jenkins.plugins.rbdcloud.engine.soak;

import io.jenkins.plugins.rbdcloud.engine.agents.AdoptionReport;
import io.jenkins.plugins.rbdcloud.engine.agents.Agent;
import io.jenkins.plugins.rbdcloud.engine.agents.HoldReport;
import io.jenkins.plugins.rbdcloud.engine.agents.Launch;
import io.jenkins.plugins.rbdcloud.engine.agents.RbdCloudEngine;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One soak cycle: provision → use (a command in the guest) → complete (promoting, or not) or
 * terminate, with at most one fault injected at a random point, then wait until the engine has
 * settled the agent (ended, its undos run). Failures a fault explains are expected; others are
 * counted as surprises.
 */
final class SoakCycle {

    static final String TEMPLATE = "soak";
    private static final Duration WAIT = Duration.ofSeconds(150);
    /** Daemon faults of parallel cycles one at a time: two restarts of the same daemon would race. */
    private static final ReentrantLock DAEMONS = new ReentrantLock();

    private final int index;
    private final Random random;
    private final Fault fault;
    private final RbdCloudEngine engine;
    private final Faults faults;
    private final SickAgents sick;
    private final SoakStats stats;
    private final Path cliLog;
    private final boolean alone;

    SoakCycle(int index, long seed, double faultRate, RbdCloudEngine engine, Faults faults, SickAgents sick, SoakStats stats,
              Path cliLog, boolean onlyWorker) {
        this.index = index;
        // Per cycle, so the fault choice does not depend on how parallel cycles interleave. Mixed
        // through SplittableRandom: the first draws of Randoms seeded 1, 2, 3... are nearly equal.
        this.random = new Random(new java.util.SplittableRandom(seed).split().nextLong() ^ new java.util.SplittableRandom(index).nextLong());
        this.fault = Fault.pick(random, faultRate);
        this.engine = engine;
        this.faults = faults;
        this.sick = sick;
        this.stats = stats;
        this.cliLog = cliLog;
        this.alone = onlyWorker || runsAlone();
    }

    void run() throws Exception {
        if (fault != null) {
            System.out.println("soak cycle " + index + ": fault " + fault.label());
        }
        if (fault == Fault.CONTROLLER_KILL) {
            controllerKilled();
        } else {
            provisionUseEnd();
        }
        stats.cycleDone();
    }

    private void provisionUseEnd() throws Exception {
        long t0 = System.nanoTime();
        Launch l = engine.provision(TEMPLATE);
        CompletableFuture<Boolean> injected = backendFault(l.name());
        Agent a = null;
        try {
            a = l.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            stats.ready((System.nanoTime() - t0) / 1_000_000);
        } catch (ExecutionException e) {
            stats.launchFailed();
            expected("launch " + l.name() + " failed: " + e.getCause().getMessage());
        }
        if (a != null) {
            use(a);
            if (fault == Fault.WATCHDOG) {
                watchdogStops(a);
            } else if (fault == Fault.PROMOTION_KILL) {
                promotionKilled(a);
            } else {
                end(a);
            }
        }
        if (injected.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            stats.fault(fault);
        }
        settle(l.name());
    }

    /** libvirtd, OSD or QEMU fault at a random point in the first 15 s of the cycle, on its own thread. */
    private CompletableFuture<Boolean> backendFault(String agent) {
        if (fault != Fault.LIBVIRTD_KILL && fault != Fault.OSD_STOP && fault != Fault.QEMU_KILL) {
            return CompletableFuture.completedFuture(false);
        }
        long delay = random.nextInt(15_000);
        Duration down = Duration.ofMillis(1_000 + random.nextInt(8_000));
        return CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(delay);
                DAEMONS.lock();
                try {
                    return switch (fault) {
                        case LIBVIRTD_KILL -> {
                            faults.killLibvirtd(down);
                            yield true;
                        }
                        case OSD_STOP -> {
                            faults.stopOsd(down);
                            yield true;
                        }
                        default -> faults.killQemu(agent, Duration.ofSeconds(30));
                    };
                } finally {
                    DAEMONS.unlock();
                }
            } catch (Exception e) {
                throw new IllegalStateException(fault.label() + " in cycle " + index + ": " + e.getMessage(), e);
            }
        });
    }

    private void use(Agent a) throws Exception {
        try {
            ExecResult r = engine.exec(a.name(), Duration.ofSeconds(30), "/bin/sh", "-c", "echo soak-" + index + " > /tmp/soak && cat /tmp/soak")
                    .get(60, TimeUnit.SECONDS);
            if (!r.stdoutText().equals("soak-" + index + "\n")) {
                stats.surprise("cycle " + index + ": " + a.name() + " printed '" + r.stdoutText() + "'");
            }
        } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
            expected("exec in " + a.name() + " failed: " + e.getMessage());
        }
    }

    /** The soak's builds: job {@code soak}, which its template's promoteFrom allows. */
    private static final io.jenkins.plugins.rbdcloud.engine.images.Provenance BUILD =
            io.jenkins.plugins.rbdcloud.engine.images.Provenance.of("soak", 1);

    /** 20 % complete as a success (promotion), 40 % complete as a failure, 40 % terminate. */
    private void end(Agent a) throws Exception {
        int pick = random.nextInt(10);
        try {
            if (pick < 2) {
                engine.complete(a.name(), true, BUILD).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } else if (pick < 6) {
                engine.complete(a.name(), false, BUILD).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } else {
                engine.terminate(a.name()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException | IllegalArgumentException e) {
            expected("ending " + a.name() + " failed: " + e.getMessage());
        }
    }

    /** The guest stops feeding its watchdog; the engine must end the agent as sick, and say so. */
    private void watchdogStops(Agent a) throws Exception {
        Thread.sleep(3_000); // fed a few times: the watchdog is armed
        engine.exec(a.name(), Duration.ofSeconds(20), "/bin/touch", "/run/stop-watchdog").get(30, TimeUnit.SECONDS);
        stats.fault(fault);
        if (!sick.await(a.name(), Duration.ofSeconds(60))) {
            stats.surprise("cycle " + index + ": " + a.name() + " stopped feeding its watchdog, not ended as sick within 60 s");
            engine.terminate(a.name()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** The disk is held, then {@code rbd-cloud images promote} of it is SIGKILLed at a random point; the hold is dropped. */
    private void promotionKilled(Agent a) throws Exception {
        HoldReport h = engine.endAndHold(a.name(), Instant.now()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (h.held()) {
            String disk = h.disk().substring(h.disk().indexOf('/') + 1); // the CLI takes the image name in the agents pool
            Process p = faults.cli(cliLog, "images", "promote", a.golden().substring(0, a.golden().indexOf('@')), disk);
            p.waitFor(500 + random.nextInt(4_000), TimeUnit.MILLISECONDS);
            if (Faults.kill(p)) {
                stats.fault(fault);
            }
        }
        engine.dropHeld(a.name()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * A second controller ({@code rbd-cloud agents up}) is SIGKILLed mid-provision; the soak's engine
     * adopts whatever it left running and ends it, as a restarted controller would.
     */
    private void controllerKilled() throws Exception {
        Process p = faults.cli(cliLog, "agents", "up", "--count", "1");
        p.waitFor(2_000 + random.nextInt(14_000), TimeUnit.MILLISECONDS);
        if (Faults.kill(p)) {
            stats.fault(fault);
        }
        AdoptionReport r = engine.adopt(Instant.now()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (String name : r.adopted()) {
            try {
                engine.terminate(name).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                stats.surprise("cycle " + index + ": adopted " + name + " not terminated: " + e.getCause().getMessage());
            }
            settle(name);
        }
    }

    /**
     * Waits (bounded) until the agent is gone from the engine, no undo is pending and, when no other
     * cycle runs, no capacity is reserved beyond the ready agents; ticks meanwhile.
     */
    private void settle(String agent) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            engine.tick(Instant.now());
            boolean gone = engine.agents().stream().noneMatch(x -> x.name().equals(agent));
            if (gone && engine.pendingUndos().isEmpty() && (!alone || engine.usage().total() == engine.agents().size())) {
                return;
            }
            Thread.sleep(500);
        }
        stats.surprise("cycle " + index + ": " + agent + " not settled after " + WAIT.toSeconds() + " s (agents " + engine.agents().size()
                + ", pending undos " + engine.pendingUndos() + ", " + engine.usage() + ")");
    }

    private void expected(String what) {
        if (fault == null || fault == Fault.WATCHDOG || fault == Fault.PROMOTION_KILL) {
            stats.surprise("cycle " + index + " (no fault yet): " + what);
        } else {
            System.out.println("soak cycle " + index + " (" + fault.label() + "): " + what);
        }
    }

    Fault fault() {
        return fault;
    }

    /** Whether this cycle must run with no other beside it (see {@link Fault#hitsWholeCloud()}). */
    boolean runsAlone() {
        return fault != null && fault.hitsWholeCloud();
    }
}
