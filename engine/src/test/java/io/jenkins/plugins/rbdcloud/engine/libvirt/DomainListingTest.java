package io.jenkins.plugins.rbdcloud.engine.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.rbdcloud.engine.Ownership;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/**
 * Listing owned domains on libvirt's own in-process test driver ({@code test:///default}, no
 * daemon): a domain that goes away between the listing and the reading of its state is skipped,
 * not a failure of the whole hypervisor's listing (seen on the shared dev libvirtd, where another
 * controller's agents come and go while reconciliation lists).
 */
class DomainListingTest {

    @Test
    void aDomainGoneWhileBeingListedIsSkipped() throws Exception {
        Ownership o = new Ownership("owner", "listing", "tpl", "tpl-gone01", "g@v1", Instant.parse("2026-01-01T00:00:00Z"));
        try (Hypervisor h = Hypervisor.of("test:///default", new Hypervisor.Capacity(1, 1024, 1))) {
            RawDomains.create(h, "<domain type='test'><name>tpl-gone01</name><memory>1024</memory><os><type>hvm</type>"
                    + "</os><metadata>" + DomainXml.ownershipElement(o).replaceFirst("<\\?xml[^>]*>", "")
                    + "</metadata></domain>");
            Domain listed = h.connection().domainLookupByName("tpl-gone01");
            try {
                assertEquals(Optional.of(o), Domains.ownership(listed), "listed with its tags");
                assertTrue(Domains.owned(listed, o).isPresent(), "read while it exists");
                listed.destroy(); // transient: gone now, while the listing still holds it
                assertEquals(Optional.empty(), Domains.owned(listed, o));
                assertTrue(h.listOwned().stream().noneMatch(d -> d.name().equals("tpl-gone01")));
            } finally {
                listed.free();
            }
        }
    }
}
