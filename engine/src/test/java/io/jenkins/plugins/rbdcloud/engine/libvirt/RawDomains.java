package io.jenkins.plugins.rbdcloud.engine.libvirt;

import org.libvirt.LibvirtException;

/** What tests outside this package need of libvirt beyond the engine's verbs. */
public final class RawDomains {

    private RawDomains() {}

    /** Creates a transient domain from hand-written XML (e.g. for the {@code test:///} driver). */
    public static void create(Hypervisor hypervisor, String xml) throws LibvirtException {
        hypervisor.connection().domainCreateXML(xml, 0).free();
    }

    /** The XML a running domain was defined with, without what libvirt added at start (for creating its like). */
    public static String inactiveXml(Hypervisor hypervisor, String name) throws LibvirtException {
        return hypervisor.connection().domainLookupByName(name).getXMLDesc(2); // VIR_DOMAIN_XML_INACTIVE
    }

    /** libvirt's own destroy of a domain, nothing around it (a floor for benchmarks). */
    public static void destroy(Hypervisor hypervisor, String name) throws LibvirtException {
        org.libvirt.Domain d = hypervisor.connection().domainLookupByName(name);
        try {
            d.destroy();
        } finally {
            d.free();
        }
    }

    /**
     * A floor for listing owned domains: every domain listed and its rbd-cloud metadata element read,
     * nothing parsed. Returns how many had one.
     */
    public static int listMetadata(Hypervisor hypervisor) throws LibvirtException {
        int found = 0;
        for (org.libvirt.Domain d : hypervisor.connection().listAllDomains(0)) {
            try {
                d.getMetadata(org.libvirt.Domain.MetadataType.ELEMENT, DomainXml.NAMESPACE, 0);
                found++;
            } catch (LibvirtException none) {
                // no rbd-cloud metadata: not counted
            } finally {
                d.free();
            }
        }
        return found;
    }

    /** The live XML of a running domain, as libvirt has it. */
    public static String liveXml(Hypervisor hypervisor, String name) throws LibvirtException {
        return hypervisor.connection().domainLookupByName(name).getXMLDesc(0);
    }
}
