package io.jenkins.plugins.rbdcloud.engine.libvirt;

import org.libvirt.LibvirtException;

/** What tests outside this package need of libvirt beyond the engine's verbs. */
public final class RawDomains {

    private RawDomains() {}

    /** Creates a transient domain from hand-written XML (e.g. for the {@code test:///} driver). */
    public static void create(Hypervisor hypervisor, String xml) throws LibvirtException {
        hypervisor.connection().domainCreateXML(xml, 0).free();
    }

    /** The live XML of a running domain, as libvirt has it. */
    public static String liveXml(Hypervisor hypervisor, String name) throws LibvirtException {
        return hypervisor.connection().domainLookupByName(name).getXMLDesc(0);
    }
}
