package io.jenkins.plugins.rbdcloud.engine.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Direct kernel boot: QEMU loads the kernel (and initrd) from files on the hypervisor instead of
 * running a boot loader from the disk. Saves seconds per boot.
 *
 * @param kernel  absolute path on the hypervisor, readable by the QEMU user
 * @param initrd  absolute path on the hypervisor, if the kernel needs one
 * @param cmdline kernel command line, e.g. {@code root=LABEL=root console=ttyS0}
 */
public record DirectBoot(Path kernel, Optional<Path> initrd, String cmdline) {

    /** COMMAND_LINE_SIZE on x86. */
    static final int MAX_CMDLINE = 2048;

    public DirectBoot {
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(cmdline, "cmdline");
        checkPath("kernel", kernel);
        initrd.ifPresent(p -> checkPath("initrd", p));
        checkCmdline(cmdline);
    }

    /** The check the constructor applies to a command line, for forms that validate one field. */
    public static void checkCmdline(String cmdline) {
        if (cmdline.length() > MAX_CMDLINE || !cmdline.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("cmdline must be at most " + MAX_CMDLINE
                    + " printable ASCII characters on one line, got " + Check.quoted(cmdline));
        }
    }

    /** The check the constructor applies to the kernel and initrd paths, for forms that validate one field. */
    public static void checkPath(String field, Path p) {
        // The path is read on the hypervisor, not here: only its shape can be checked.
        if (p == null || !p.isAbsolute() || !p.normalize().equals(p)
                || p.toString().chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must be an absolute, normalized path on the hypervisor, got "
                    + (p == null ? "null" : Check.quoted(p.toString())));
        }
    }
}
