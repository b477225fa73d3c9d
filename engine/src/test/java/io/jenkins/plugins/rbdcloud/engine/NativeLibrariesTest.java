package io.jenkins.plugins.rbdcloud.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeLibrariesTest {

    @Test
    void namesTheMissingLibraryAndItsPackage() {
        String rados = NativeLibraries.explain(new UnsatisfiedLinkError(
                "Unable to load library 'rados':\nlibrados.so: cannot open shared object file: No such file or directory"));
        assertTrue(rados.contains("librados2") && rados.contains("UnsatisfiedLinkError") && !rados.contains("\n"), rados);

        String virt = NativeLibraries.explain(new NoClassDefFoundError("Could not initialize class org.libvirt.jna.Libvirt"));
        assertTrue(virt.contains("libvirt0") && virt.contains("NoClassDefFoundError"), virt);

        NoClassDefFoundError wrapped = new NoClassDefFoundError("Could not initialize class com.ceph.rbd.jna.Rbd");
        assertTrue(NativeLibraries.explain(wrapped).contains("librbd1"));
    }
}
