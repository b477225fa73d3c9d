package io.jenkins.plugins.rbdcloud.engine.agents;

import io.jenkins.plugins.rbdcloud.engine.libvirt.CephSecrets;
import io.jenkins.plugins.rbdcloud.engine.libvirt.Hypervisor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A second engine process for {@link AbandonedSecretIT}: defines the Ceph secret as an engine does
 * before its first start (the key read from stdin, never an argument), prints its usage name and
 * waits to be killed.
 */
public final class SecretHolder {

    private SecretHolder() {}

    /** Arguments: libvirt URI, scope (cloud), owner id, Ceph user. */
    public static void main(String[] args) throws Exception {
        String key = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        Hypervisor hv = Hypervisor.of(args[0], new Hypervisor.Capacity(1, 512, 1));
        CephSecrets secrets = new CephSecrets(hv, args[1], args[2]);
        secrets.ensure(args[3], key);
        System.out.println("defined " + secrets.usage(args[3]));
        System.out.flush();
        Thread.sleep(600_000);
    }
}
