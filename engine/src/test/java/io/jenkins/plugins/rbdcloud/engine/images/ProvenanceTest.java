package io.jenkins.plugins.rbdcloud.engine.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A promotion's provenance: untrusted text, bounded, kept intact through the catalog, refused when tampered with. */
class ProvenanceTest {

    @Test
    void roundTripsValuesWithSeparatorsAndUnicode() {
        Provenance p = Provenance.of("team a/app;x=1", 42).withBranch("feature/ü=;%").withChangeRequest("17")
                .withFork("mallory/app").withStartedBy("alice@example.org");
        assertEquals(Optional.of(p), Provenance.decode(p.encode()));
        assertEquals("team a/app;x=1 #42, branch feature/ü=;%, change request 17 from fork mallory/app, started by "
                + "alice@example.org", p.describe());
        assertEquals(Optional.of(Provenance.of("j", 1)), Provenance.decode(Provenance.of("j", 1).encode()));
    }

    @Test
    void refusesControlCharactersAndLongValues() {
        assertEquals("provenance branch has a control character at 4",
                assertThrows(IllegalArgumentException.class, () -> Provenance.of("j", 1).withBranch("main\nFAKE")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Provenance.of("x".repeat(201), 1));
        assertThrows(IllegalArgumentException.class, () -> Provenance.of("j", 0));
        assertThrows(IllegalArgumentException.class, () -> Provenance.of("", 1));
    }

    @Test
    void aTamperedRecordReadsAsNone() {
        assertEquals(Optional.empty(), Provenance.decode(""));
        assertEquals(Optional.empty(), Provenance.decode("job=a;build=1;branch=x%0Ay"), "newline smuggled in encoded");
        assertEquals(Optional.empty(), Provenance.decode("job=a;build=-1"));
        assertEquals(Optional.empty(), Provenance.decode("job=a;build=1;job=b"), "a field twice");
        assertEquals(Optional.empty(), Provenance.decode("build=1"));
        assertEquals(Optional.empty(), Provenance.decode("job=" + "a".repeat(5000) + ";build=1"));
        assertEquals(Optional.empty(), Provenance.decode("job=%zz;build=1"), "bad escape");
    }
}
