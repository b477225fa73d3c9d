package io.jenkins.plugins.rbdcloud.engine.soak;

import java.util.Random;

/** The faults a soak cycle can get, each injected by its real means ({@link Faults}). */
enum Fault {
    /** libvirtd SIGKILLed at a random point of the cycle, restarted a few seconds later. */
    LIBVIRTD_KILL,
    /** The OSD stopped at a random point of the cycle, started again a few seconds later. */
    OSD_STOP,
    /** The agent's QEMU process SIGKILLed at a random point once it runs. */
    QEMU_KILL,
    /** The ready guest stops feeding its watchdog: the engine must end it as sick. */
    WATCHDOG,
    /** {@code rbd-cloud agents up} SIGKILLed mid-provision; the soak's engine adopts what it left. */
    CONTROLLER_KILL,
    /** {@code rbd-cloud images promote} of a held disk SIGKILLed mid-way. */
    PROMOTION_KILL;

    /** A fault for one cycle, or null: {@code rate} of the cycles get one, all kinds equally likely. */
    static Fault pick(Random r, double rate) {
        if (r.nextDouble() >= rate) {
            return null;
        }
        Fault[] all = values();
        return all[r.nextInt(all.length)];
    }

    /**
     * Whether the fault hits the whole cloud (a daemon, a second controller, the catalog), so its
     * cycle runs with no other cycle beside it: a failure in a parallel cycle would otherwise
     * carry no fault of its own to explain it.
     */
    boolean hitsWholeCloud() {
        return this == LIBVIRTD_KILL || this == OSD_STOP || this == CONTROLLER_KILL || this == PROMOTION_KILL;
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
