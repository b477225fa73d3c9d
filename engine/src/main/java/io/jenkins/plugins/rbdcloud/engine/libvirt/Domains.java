package io.jenkins.plugins.rbdcloud.engine.libvirt;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.LibVirtNative;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;

/**
 * Domains on a hypervisor as reconciliation sees them: the ones carrying rbd-cloud's ownership
 * metadata, and a complete removal (destroy, then undefine when persistent) by UUID. Used
 * through {@link Hypervisor}'s verbs.
 */
final class Domains {

    /** VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | SNAPSHOTS_METADATA | NVRAM | CHECKPOINTS_METADATA. */
    private static final int UNDEFINE_EVERYTHING = 1 | 2 | 4 | 16;

    private Domains() {}

    static List<OwnedDomain> listOwned(Connect c, String uri) {
        List<OwnedDomain> out = new ArrayList<>();
        try {
            for (Domain d : c.listAllDomains(0)) {
                try {
                    ownership(d).flatMap(o -> owned(d, o)).ifPresent(out::add);
                } finally {
                    d.free();
                }
            }
        } catch (LibvirtException e) {
            throw HypervisorException.of("listing domains on " + uri, e);
        }
        return out;
    }

    /** Every domain with rbd-cloud tags: name, UUID and tags only, no further call per domain. */
    static List<TaggedDomain> listTagged(Connect c, String uri) {
        List<TaggedDomain> out = new ArrayList<>();
        try {
            for (Domain d : c.listAllDomains(0)) {
                try {
                    Optional<Ownership> o = ownership(d);
                    if (o.isPresent()) {
                        out.add(new TaggedDomain(d.getName(), UUID.fromString(d.getUUIDString()), o.get()));
                    }
                } catch (LibvirtException gone) {
                    if (code(gone) != ErrorNumber.VIR_ERR_NO_DOMAIN) {
                        throw gone;
                    }
                } finally {
                    d.free();
                }
            }
        } catch (LibvirtException e) {
            throw HypervisorException.of("listing domains on " + uri, e);
        }
        return out;
    }

    /** The ownership tags of one domain; empty when it has none (not ours) or is gone. */
    static Optional<Ownership> ownership(Domain d) {
        try {
            return DomainXml.readOwnership(d.getMetadata(Domain.MetadataType.ELEMENT, DomainXml.NAMESPACE, 0));
        } catch (LibvirtException e) {
            return Optional.empty(); // VIR_ERR_NO_DOMAIN_METADATA: not ours; VIR_ERR_NO_DOMAIN: gone
        }
    }

    /** Destroys (removing the log) and undefines; gone already is fine. */
    static void remove(Connect c, UUID uuid) throws LibvirtException {
        Domain d;
        try {
            d = c.domainLookupByUUID(uuid);
        } catch (LibvirtException e) {
            if (code(e) == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return; // transient and stopped, or never created
            }
            throw e;
        }
        try {
            if (d.isActive() == 1) {
                destroy(d);
            }
            if (d.isPersistent() == 1) {
                d.undefine(UNDEFINE_EVERYTHING);
            }
        } catch (LibvirtException e) {
            if (code(e) != ErrorNumber.VIR_ERR_NO_DOMAIN) {
                throw e;
            }
        } finally {
            d.free();
        }
    }

    private static void destroy(Domain d) {
        try {
            LibVirtNative.destroy(d, LibVirtNative.DESTROY_REMOVE_LOGS);
        } catch (HypervisorException e) {
            if (e.code() == ErrorNumber.VIR_ERR_INVALID_ARG || e.code() == ErrorNumber.VIR_ERR_NO_SUPPORT) {
                LibVirtNative.destroy(d, 0); // libvirt < 8.3 keeps the log
            } else if (!e.isNotFound() && !e.isNotRunning()) {
                throw e;
            }
        }
    }

    /** The listed domain with its tags {@code o}; empty when it went away since it was listed (not a listing failure). */
    static Optional<OwnedDomain> owned(Domain d, Ownership o) {
        try {
            String state = LibVirtNative.state(d).state().name().toLowerCase(Locale.ROOT);
            return Optional.of(new OwnedDomain(d.getName(), UUID.fromString(d.getUUIDString()), state, d.isPersistent() == 1, o));
        } catch (HypervisorException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        } catch (LibvirtException e) {
            if (code(e) == ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return Optional.empty();
            }
            throw HypervisorException.of("reading a domain", e);
        }
    }

    private static ErrorNumber code(LibvirtException e) {
        return e.getError() == null ? null : e.getError().getCode();
    }
}
