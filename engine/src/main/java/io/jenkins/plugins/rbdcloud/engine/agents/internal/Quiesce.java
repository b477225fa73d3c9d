package io.jenkins.plugins.rbdcloud.engine.agents.internal;

import io.jenkins.plugins.rbdcloud.engine.config.Consistency;
import io.jenkins.plugins.rbdcloud.engine.libvirt.ExecResult;
import io.jenkins.plugins.rbdcloud.engine.libvirt.GuestAgent;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readies a running guest's disk for a snapshot that may become a golden version: guest fstrim
 * (so deleted files do not travel into the version), then fsfreeze per the template's
 * consistency. There is no thaw: the domain is destroyed while frozen, so nothing changes after.
 */
final class Quiesce {

    private static final Logger LOG = Logger.getLogger(Quiesce.class.getName());
    private static final Pattern TRIMMED = Pattern.compile("(\\d+) bytes trimmed");
    private static final Duration GUEST_CALL = Duration.ofSeconds(60);

    private Quiesce() {}

    /**
     * @return bytes the guest's fstrim discarded; empty when not reported
     * @throws IllegalStateException consistency {@code fs-frozen} and the freeze failed
     */
    static OptionalLong run(String agent, GuestAgent guest, Consistency consistency) {
        OptionalLong trimmed = trim(guest);
        freeze(agent, guest, consistency);
        return trimmed;
    }

    /** fstrim through guest-exec, for the byte count; libvirt's own trim when busybox is not there. */
    private static OptionalLong trim(GuestAgent guest) {
        try {
            ExecResult r = guest.exec("/bin/busybox", List.of("fstrim", "-v", "/"), GUEST_CALL);
            Matcher m = TRIMMED.matcher(r.stdoutText());
            if (r.exitCode() == 0 && m.find()) {
                return OptionalLong.of(Long.parseLong(m.group(1)));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "guest-exec fstrim failed, using the guest agent's fstrim", e);
        }
        guest.fsTrim(0);
        return OptionalLong.empty();
    }

    private static void freeze(String agent, GuestAgent guest, Consistency c) {
        if (c == Consistency.CRASH) {
            return;
        }
        try {
            guest.fsFreeze();
        } catch (RuntimeException e) {
            if (c == Consistency.FS_FROZEN) {
                throw new IllegalStateException("consistency fs-frozen: freezing the guest file systems failed: "
                        + e.getMessage(), e);
            }
            LOG.log(Level.INFO, "freezing " + agent + " failed; keeping a crash-consistent disk (consistency preferred)", e);
        }
    }
}
