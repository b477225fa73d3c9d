package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml.child;
import static io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml.text;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import io.jenkins.plugins.rbdcloud.engine.libvirt.internal.SafeXml;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Renders a {@link DomainSpec} to libvirt domain XML through the DOM, so every value is escaped
 * by the XML API, and reads rbd-cloud's ownership tags back from a domain's XML.
 */
public final class DomainXml {

    /** Namespace of rbd-cloud's {@code <metadata>} element. */
    public static final String NAMESPACE = "https://jenkins.io/rbd-cloud/domain/1";
    /** Prefix used when writing that element (readers match the namespace, not the prefix). */
    public static final String PREFIX = "rbdcloud";
    /** Local name of the ownership element inside {@code <metadata>}. */
    public static final String OWNERSHIP = "ownership";

    static final String REDACTED = "<redacted>";

    private DomainXml() {}

    /** The XML to give libvirt; contains launch environment values. Do not log it: use {@link #renderRedacted}. */
    public static String render(DomainSpec spec) {
        return SafeXml.write(document(spec, false));
    }

    /** The same XML with launch environment values replaced, for logs and dumps. */
    public static String renderRedacted(DomainSpec spec) {
        return SafeXml.write(document(spec, true));
    }

    /**
     * The ownership tags from a domain's XML, or from the element {@code virDomainGetMetadata}
     * returns for our namespace (libvirt strips the namespace there, so a bare root
     * {@code <ownership>} is accepted too); empty when the domain is not rbd-cloud's.
     */
    public static Optional<Ownership> readOwnership(String xml) {
        // Streamed, not a DOM: reconciliation reads one per listed domain, thousands at a time.
        XMLStreamReader r = SafeXml.stream(xml);
        try {
            Map<String, String> namespaced = null; // the first rbd-cloud <ownership> anywhere
            int namespacedCount = 0;
            Map<String, String> bareRoot = null;   // a root <ownership> without namespace (virDomainGetMetadata's form)
            Map<String, String> collecting = null;
            String collectingNs = null;
            int ownershipDepth = -1;
            String tag = null;
            StringBuilder text = new StringBuilder();
            int depth = 0;
            while (r.hasNext()) {
                int event = r.next();
                SafeXml.refuseDtd(event);
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    String ns = r.getNamespaceURI();
                    ns = ns == null || ns.isEmpty() ? null : ns;
                    if (collecting != null && depth == ownershipDepth + 1) {
                        tag = Objects.equals(collectingNs, ns) ? r.getLocalName() : null;
                        text.setLength(0);
                    } else if (OWNERSHIP.equals(r.getLocalName()) && NAMESPACE.equals(ns)) {
                        namespacedCount++;
                        if (namespaced == null && collecting == null) {
                            namespaced = collecting = new LinkedHashMap<>();
                            collectingNs = NAMESPACE;
                            ownershipDepth = depth;
                        }
                    } else if (depth == 1 && OWNERSHIP.equals(r.getLocalName()) && ns == null) {
                        bareRoot = collecting = new LinkedHashMap<>();
                        collectingNs = null;
                        ownershipDepth = depth;
                    }
                } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA
                        || event == XMLStreamConstants.SPACE) {
                    if (tag != null) {
                        text.append(r.getText());
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    if (tag != null && depth == ownershipDepth + 1) {
                        collecting.putIfAbsent(tag, text.toString());
                        tag = null;
                    }
                    if (collecting != null && depth == ownershipDepth) {
                        collecting = null;
                        ownershipDepth = -1;
                    }
                    depth--;
                }
            }
            if (namespacedCount == 1 && namespaced != null) {
                return Ownership.fromMap(namespaced);
            }
            return namespacedCount == 0 && bareRoot != null ? Ownership.fromMap(bareRoot) : Optional.empty();
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        } finally {
            try {
                r.close();
            } catch (XMLStreamException ignored) {
                // nothing held: the reader reads a string
            }
        }
    }

    /** The bare ownership element, as {@code virDomainSetMetadata} takes it. */
    public static String ownershipElement(Ownership ownership) {
        Document doc = SafeXml.newDocument();
        doc.appendChild(ownershipElement(doc, ownership));
        return SafeXml.write(doc);
    }

    private static Document document(DomainSpec spec, boolean redact) {
        if (spec.virtType() == VirtType.AUTO) {
            throw new IllegalArgumentException("resolve the virt type before rendering " + spec.name());
        }
        Document doc = SafeXml.newDocument();
        Element domain = doc.createElement("domain");
        doc.appendChild(domain);
        domain.setAttribute("type", spec.virtType().xmlName());
        text(domain, "name", spec.name());
        text(domain, "uuid", spec.uuid().toString());
        child(domain, "metadata").appendChild(ownershipElement(doc, spec.ownership()));
        text(domain, "memory", Long.toString(spec.memoryMiB())).setAttribute("unit", "MiB");
        text(domain, "vcpu", Integer.toString(spec.vcpus()));
        if (!spec.launchEnvironment().isEmpty()) {
            Element oem = child(child(domain, "sysinfo", "type", "smbios"), "oemStrings");
            spec.launchEnvironment().secretValues().forEach((k, v) -> text(oem, "entry", k + "=" + (redact ? REDACTED : v)));
        }
        os(domain, spec);
        child(child(domain, "features"), "acpi");
        child(domain, "cpu", "mode", spec.virtType() == VirtType.KVM ? "host-passthrough" : "maximum", "check", "none");
        child(domain, "clock", "offset", "utc");
        text(domain, "on_poweroff", "destroy");
        text(domain, "on_reboot", "restart");
        text(domain, "on_crash", "destroy");
        devices(child(domain, "devices"), spec);
        return doc;
    }

    private static Element ownershipElement(Document doc, Ownership ownership) {
        Element o = doc.createElementNS(NAMESPACE, PREFIX + ":" + OWNERSHIP);
        o.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:" + PREFIX, NAMESPACE);
        ownership.toMap().forEach((k, v) -> {
            Element tag = doc.createElementNS(NAMESPACE, PREFIX + ":" + k);
            tag.setTextContent(v);
            o.appendChild(tag);
        });
        return o;
    }

    private static void os(Element domain, DomainSpec spec) {
        Element os = child(domain, "os");
        text(os, "type", "hvm").setAttribute("arch", "x86_64");
        spec.machine().ifPresent(m -> ((Element) os.getFirstChild()).setAttribute("machine", m));
        spec.kernelBoot().ifPresent(k -> {
            text(os, "kernel", k.kernel());
            if (k.initrd() != null) {
                text(os, "initrd", k.initrd());
            }
            if (!k.cmdline().isEmpty()) {
                text(os, "cmdline", k.cmdline());
            }
        });
        if (!spec.launchEnvironment().isEmpty()) {
            child(os, "smbios", "mode", "sysinfo");
        }
    }

    private static void devices(Element devices, DomainSpec spec) {
        child(devices, "controller", "type", "scsi", "index", "0", "model", "virtio-scsi");
        child(devices, "controller", "type", "virtio-serial", "index", "0");
        child(devices, "controller", "type", "usb", "model", "none"); // nothing to plug; saves boot time
        List<RbdDisk> disks = spec.disks();
        for (int i = 0; i < disks.size(); i++) {
            disk(devices, disks.get(i), "sd" + (char) ('a' + i), i == 0 && spec.kernelBoot().isEmpty());
        }
        spec.nic().ifPresent(nic -> nic(devices, nic));
        Element serial = child(devices, "serial", "type", "pty");
        spec.serialLog().ifPresent(log -> child(serial, "log", "file", log, "append", "off"));
        child(serial, "target", "port", "0");
        child(child(devices, "console", "type", "pty"), "target", "type", "serial", "port", "0");
        // unix channels without a path: libvirt picks a socket under its own channel directory.
        for (String channel : List.of(DomainSpec.GUEST_AGENT_CHANNEL, DomainSpec.AGENT_CHANNEL)) {
            Element c = child(devices, "channel", "type", "unix");
            child(c, "source", "mode", "bind");
            child(c, "target", "type", "virtio", "name", channel);
        }
        child(devices, "watchdog", "model", "i6300esb", "action", spec.watchdog().xmlName());
        text(child(devices, "rng", "model", "virtio"), "backend", "/dev/urandom").setAttribute("model", "random");
        child(devices, "memballoon", "model", "none");
    }

    private static void disk(Element devices, RbdDisk d, String target, boolean boot) {
        Element disk = child(devices, "disk", "type", "network", "device", "disk");
        child(disk, "driver", "name", "qemu", "type", "raw", "cache", d.cache().xmlName(), "discard", "unmap");
        child(child(disk, "auth", "username", d.authUser()), "secret", "type", "ceph", "uuid", d.secretUuid().toString());
        Element source = child(disk, "source", "protocol", "rbd", "name", d.path());
        for (CephMonitor m : d.monitors()) {
            child(source, "host", "name", m.host(), "port", Integer.toString(m.port()));
        }
        child(disk, "target", "dev", target, "bus", "scsi");
        if (d.readOnly()) {
            child(disk, "readonly");
        }
        if (boot) {
            child(disk, "boot", "order", "1");
        }
    }

    private static void nic(Element devices, Nic nic) {
        String type = nic.kind().name().toLowerCase(java.util.Locale.ROOT);
        Element e = child(devices, "interface", "type", type);
        if (nic.kind() != Nic.Kind.USER) {
            child(e, "source", type, nic.source());
        }
        if (nic.mac() != null) {
            child(e, "mac", "address", nic.mac());
        }
        child(e, "model", "type", "virtio");
        if (nic.mtu() != 0) {
            child(e, "mtu", "size", Integer.toString(nic.mtu()));
        }
    }
}
