package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml.child;
import static io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml.text;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.LibVirtNative;
import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Secret;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The libvirt secrets holding the cephx keys QEMU authenticates with, one per Ceph user on each
 * hypervisor and per instance of this class (one per engine). A secret is {@code private}
 * (libvirt never hands its value out) and {@code ephemeral} (kept in libvirtd's memory only,
 * never in its config directory). It is created on first use, found again by its usage name
 * {@code rbd-cloud/SCOPE/SESSION/client.USER}, and re-created after a libvirtd restart (QEMU
 * already running keeps its copy of the key). SESSION is the owner id, the process id, a tag of
 * the host and a random part: a CLI run and a controller of the same cloud never share a secret,
 * so neither removes the other's while it starts a guest, and {@link #remove} undefines only
 * secrets this instance defined. A process killed before it could remove its secrets leaves them
 * until libvirtd restarts; {@link #removeAbandoned} removes those of dead processes on this host.
 */
public final class CephSecrets {

    /** Usage names of all secrets rbd-cloud creates start with this. */
    public static final String USAGE_PREFIX = "rbd-cloud/";

    /** owner.PID-HOST-RANDOM, as the constructor makes it. */
    private static final Pattern SESSION = Pattern.compile("(.+)\\.([0-9]{1,19})-([0-9a-f]{8})-[0-9a-f]{12}");

    /** Which host a session's process id belongs to: the first 8 hex digits of SHA-256 of the host name. */
    private static final String HOST_TAG = hostTag();

    private record Known(Connect connection, UUID uuid, byte[] keyDigest) {}

    private final Hypervisor hypervisor;
    private final String scope;
    private final String session;
    private final String ownerId;
    private final Map<String, Known> known = new HashMap<>();
    private final Set<UUID> defined = new HashSet<>();

    /** Secrets of {@code scope} for a tool or test outside any controller (owner {@code local}). */
    public CephSecrets(Hypervisor hypervisor, String scope) {
        this(hypervisor, scope, "local");
    }

    /**
     * @param scope   distinguishes secret sets on a shared hypervisor, e.g. the cloud name
     * @param ownerId the controller's identity, part of the session in the usage name
     */
    public CephSecrets(Hypervisor hypervisor, String scope, String ownerId) {
        this.hypervisor = hypervisor;
        this.scope = DomainNames.scope(scope);
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        this.ownerId = Ownership.checkTag("ownerId", ownerId);
        this.session = ownerId + "." + ProcessHandle.current().pid() + "-" + HOST_TAG + "-" + HexFormat.of().formatHex(b);
    }

    private static String hostTag() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return HexFormat.of().formatHex(sha256(host.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 8);
    }

    /** The usage name of this instance's secret for {@code cephUser}. */
    public String usage(String cephUser) {
        return USAGE_PREFIX + scope + "/" + session + "/client." + DomainNames.cephUser(cephUser);
    }

    /**
     * The UUID of the secret holding {@code base64Key} for {@code cephUser}, defining it or
     * updating its value when needed. The key is never logged or put in an exception.
     */
    public synchronized UUID ensure(String cephUser, String base64Key) {
        byte[] key = decodeKey(base64Key); // a bad key is refused before the hypervisor is reached
        try {
            return hypervisor.call("defining a Ceph secret", c -> ensureOn(c, cephUser, key));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private UUID ensureOn(Connect c, String cephUser, byte[] key) {
        byte[] digest = sha256(key);
        Known k = known.get(cephUser);
        if (k != null && k.connection() == c && Arrays.equals(k.keyDigest(), digest) && exists(c, k.uuid())) {
            return k.uuid();
        }
        String usage = usage(cephUser);
        try {
            Optional<UUID> existing = find(c, usage);
            Secret s = existing.isPresent() ? c.secretLookupByUUIDString(existing.get().toString())
                    : c.secretDefineXML(secretXml(usage, cephUser));
            try {
                if (existing.isPresent()) {
                    requirePrivateEphemeral(s, usage);
                } else {
                    defined.add(UUID.fromString(s.getUUIDString()));
                }
                s.setValue(key);
                UUID uuid = UUID.fromString(s.getUUIDString());
                known.put(cephUser, new Known(c, uuid, digest));
                return uuid;
            } finally {
                s.free();
            }
        } catch (LibvirtException e) {
            throw HypervisorException.of("defining the Ceph secret " + usage + " on " + hypervisor.uri(), e);
        }
    }

    /** Undefines this instance's secret for {@code cephUser}; true when there was one it had defined. */
    public synchronized boolean remove(String cephUser) {
        known.remove(cephUser);
        if (defined.isEmpty()) {
            return false; // nothing of ours: no need to reach the hypervisor
        }
        return hypervisor.call("undefining a Ceph secret", c -> removeOn(c, cephUser));
    }

    private boolean removeOn(Connect c, String cephUser) {
        Optional<UUID> uuid = find(c, usage(cephUser)).filter(defined::remove);
        if (uuid.isEmpty()) {
            return false;
        }
        try {
            Secret s = c.secretLookupByUUIDString(uuid.get().toString());
            try {
                s.undefine();
            } finally {
                s.free();
            }
            return true;
        } catch (LibvirtException e) {
            throw HypervisorException.of("undefining the Ceph secret " + usage(cephUser), e);
        }
    }

    /**
     * Undefines this scope's secrets that an engine of the same owner on this host defined in a
     * process that no longer runs (killed before it could remove them). Secrets of live processes,
     * of other hosts (their process ids mean nothing here) and of unknown form are left. Returns the
     * usage names removed.
     */
    public List<String> removeAbandoned() {
        return hypervisor.call("removing abandoned Ceph secrets", this::removeAbandonedOn);
    }

    private List<String> removeAbandonedOn(Connect c) {
        String prefix = USAGE_PREFIX + scope + "/";
        List<String> removed = new java.util.ArrayList<>();
        for (LibVirtNative.SecretInfo s : LibVirtNative.listSecrets(c)) {
            if (s.usageType() != LibVirtNative.SECRET_USAGE_CEPH || s.usageId() == null || !s.usageId().startsWith(prefix)) {
                continue;
            }
            String rest = s.usageId().substring(prefix.length());
            int slash = rest.indexOf('/');
            java.util.regex.Matcher m = SESSION.matcher(slash < 0 ? "" : rest.substring(0, slash));
            if (!m.matches() || !m.group(1).equals(ownerId) || !m.group(3).equals(HOST_TAG) || alive(m.group(2))) {
                continue;
            }
            try {
                Secret secret = c.secretLookupByUUIDString(s.uuid());
                try {
                    secret.undefine();
                } finally {
                    secret.free();
                }
                removed.add(s.usageId());
            } catch (LibvirtException e) {
                if (exists(c, UUID.fromString(s.uuid()))) {
                    throw HypervisorException.of("undefining the abandoned Ceph secret " + s.usageId(), e);
                }
            }
        }
        return removed;
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not a process id of ours: leave it
        }
    }

    /**
     * A secret found under our usage name gets the key only when libvirt keeps it private (never
     * hands the value out) and ephemeral (never writes it to disk); anyone can define a secret.
     */
    private static void requirePrivateEphemeral(Secret s, String usage) throws LibvirtException {
        Element e = SafeXml.parse(s.getXMLDesc()).getDocumentElement();
        if (!"yes".equals(e.getAttribute("private")) || !"yes".equals(e.getAttribute("ephemeral"))) {
            throw new HypervisorException("the libvirt secret " + usage + " exists but is not private and ephemeral: the Ceph"
                    + " key is not put into it; undefine it (virsh secret-undefine " + s.getUUIDString() + ")");
        }
    }

    /** Usage names of this scope's secrets present on the hypervisor, of every instance (every process). */
    public List<String> list() {
        String prefix = USAGE_PREFIX + scope + "/";
        return hypervisor.call("listing secrets", LibVirtNative::listSecrets).stream()
                .filter(s -> s.usageType() == LibVirtNative.SECRET_USAGE_CEPH && s.usageId() != null && s.usageId().startsWith(prefix))
                .map(LibVirtNative.SecretInfo::usageId)
                .toList();
    }

    private static Optional<UUID> find(Connect c, String usage) {
        return LibVirtNative.listSecrets(c).stream()
                .filter(s -> s.usageType() == LibVirtNative.SECRET_USAGE_CEPH && usage.equals(s.usageId()))
                .map(s -> UUID.fromString(s.uuid()))
                .findFirst();
    }

    private static boolean exists(Connect c, UUID uuid) {
        try {
            c.secretLookupByUUIDString(uuid.toString()).free();
            return true;
        } catch (LibvirtException e) {
            return false;
        }
    }

    static String secretXml(String usage, String cephUser) {
        Document doc = SafeXml.newDocument();
        Element secret = doc.createElement("secret");
        doc.appendChild(secret);
        secret.setAttribute("ephemeral", "yes");
        secret.setAttribute("private", "yes");
        text(secret, "description", "rbd-cloud: cephx key of client." + cephUser);
        text(child(secret, "usage", "type", "ceph"), "name", usage);
        return SafeXml.write(doc);
    }

    private static byte[] decodeKey(String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key == null ? "" : base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Ceph key is not base64 (key not shown)");
        }
        if (key.length < 16) {
            throw new IllegalArgumentException("the Ceph key is too short to be a cephx key (key not shown)");
        }
        return key;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "CephSecrets[" + hypervisor.uri() + ", " + USAGE_PREFIX + scope + "/...]";
    }
}
