package io.jenkins.plugins.rbdcloud.engine.config;

import io.jenkins.plugins.rbdcloud.engine.util.Printable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A libvirt host that runs agents, and how much of it rbd-cloud may use.
 *
 * @param name       short name, used in config keys and reports
 * @param uri        libvirt connection URI: {@code qemu:///system}, {@code qemu+ssh://host/system},
 *                   {@code qemu+tls://host/system}, {@code test:///default}
 * @param vcpus      vCPUs rbd-cloud may hand out here (may exceed the cores if you accept overcommit)
 * @param memoryMib  guest memory rbd-cloud may hand out here
 * @param maxAgents  agents at most at the same time
 * @param group      group for template affinity, e.g. a rack or a CPU generation
 * @param domainType {@code auto}, {@code qemu} or {@code kvm}
 */
public record HypervisorSettings(String name, String uri, int vcpus, int memoryMib, int maxAgents,
                                 Optional<String> group, DomainType domainType) {

    public static final int MIN_MEMORY_MIB = 256;
    public static final int MAX_MEMORY_MIB = 16 * 1024 * 1024;

    /** Remote transports carry a host; plain TCP is refused because it has neither encryption nor authentication. */
    private static final Set<String> REMOTE = Set.of("qemu+ssh", "qemu+libssh", "qemu+libssh2", "qemu+tls");
    private static final Set<String> LOCAL = Set.of("qemu", "qemu+unix");

    public HypervisorSettings {
        Check check = Check.named("hypervisor", name);
        checkUri(check, uri);
        check.range("vcpus", vcpus, 1, 4096);
        check.range("memoryMib", memoryMib, MIN_MEMORY_MIB, MAX_MEMORY_MIB);
        check.range("maxAgents", maxAgents, 1, 1000);
        Objects.requireNonNull(group, "group").ifPresent(g -> check.name("group", g));
        check.present("domainType", domainType);
    }

    private static void checkUri(Check check, String uri) {
        check.present("uri", uri);
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw check.fail("uri", "is not a valid URI (" + Printable.of(e.getReason()) + ")");
        }
        String scheme = Objects.requireNonNullElse(u.getScheme(), "");
        String path = Objects.requireNonNullElse(u.getPath(), "");
        if (u.getRawUserInfo() != null && u.getRawUserInfo().contains(":")) {
            // Do not echo the URI: it holds a password.
            throw check.fail("uri", "must not contain a password; use SSH keys (qemu+ssh) or TLS certificates (qemu+tls)");
        }
        if (scheme.equals("qemu+tcp")) {
            throw check.fail("uri", "uses qemu+tcp, which is neither encrypted nor authenticated; use qemu+tls:// or "
                    + "qemu+ssh://, got " + Check.quoted(uri));
        }
        if (scheme.equals("test")) {
            if (path.isEmpty()) {
                throw check.fail("uri", "for the test driver must name a file or 'default', e.g. test:///default, got "
                        + Check.quoted(uri));
            }
            return;
        }
        if (!LOCAL.contains(scheme) && !REMOTE.contains(scheme)) {
            throw check.fail("uri", "must start with qemu://, qemu+unix://, qemu+ssh://, qemu+libssh://, "
                    + "qemu+libssh2://, qemu+tls:// or test://, got " + Check.quoted(uri));
        }
        if (REMOTE.contains(scheme) && u.getHost() == null) {
            throw check.fail("uri", "needs a host for " + scheme + ", e.g. " + scheme + "://hv1.example.org/system, got "
                    + Check.quoted(uri));
        }
        if (!path.equals("/system") && !path.equals("/session")) {
            throw check.fail("uri", "must end in /system or /session (the QEMU driver instance), got " + Check.quoted(uri));
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds {@link HypervisorSettings}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String name;
        private String uri;
        private int vcpus;
        private int memoryMib;
        private int maxAgents;
        private String group;
        private DomainType domainType = DomainType.AUTO;

        private Builder(String name) {
            this.name = name;
        }

        public Builder uri(String v) { uri = v; return this; }
        public Builder vcpus(int v) { vcpus = v; return this; }
        public Builder memoryMib(int v) { memoryMib = v; return this; }
        public Builder maxAgents(int v) { maxAgents = v; return this; }
        public Builder group(String v) { group = v; return this; }
        public Builder domainType(DomainType v) { domainType = v; return this; }

        public HypervisorSettings build() {
            return new HypervisorSettings(name, uri, vcpus, memoryMib, maxAgents, Optional.ofNullable(group), domainType);
        }
    }
}
