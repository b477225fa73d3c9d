package io.jenkins.plugins.rbdcloud.engine.libvirt;

/**
 * Direct kernel boot: QEMU loads the kernel (and initrd) from the hypervisor host's filesystem,
 * which must be readable by the user QEMU runs as.
 *
 * @param initrd  null for none
 * @param cmdline may be empty
 */
public record KernelBoot(String kernel, String initrd, String cmdline) {

    public KernelBoot {
        DomainNames.hostPath("kernel", kernel);
        if (initrd != null) {
            DomainNames.hostPath("initrd", initrd);
        }
        DomainNames.kernelCmdline(cmdline == null ? "" : cmdline);
        cmdline = cmdline == null ? "" : cmdline;
    }
}
