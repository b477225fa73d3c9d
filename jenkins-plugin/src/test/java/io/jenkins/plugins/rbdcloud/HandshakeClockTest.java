package io.jenkins.plugins.rbdcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The launch log's handshake line: names of Jenkins' calls as an admin reads them, whatever remoting prints. */
class HandshakeClockTest {

    @Test
    void namesACallByItsClassWithoutPackageOuterClassOrIdentity() {
        assertEquals("SlaveVersion", HandshakeClock.callName("UserRequest:hudson.slaves.SlaveComputer$SlaveVersion@1a2b3c"));
        assertEquals("getName[](2)", HandshakeClock.callName("UserRequest:getName[](2)"));
        assertEquals("Cancel", HandshakeClock.callName("Request.Cancel"));
    }

    @Test
    void boundsAVeryLongName() {
        String name = HandshakeClock.callName("UserRequest:" + "x".repeat(10_000));
        assertTrue(name.length() <= 61, name);
    }

    @Test
    void summaryGivesTheChannelSetUpAndEachCallInTheOrderMade() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        HandshakeClock clock = new HandshakeClock(now::get);
        now.addAndGet(2_500_000_000L);
        clock.onWrite(null, null, 10);
        now.addAndGet(4_000_000_000L);
        assertEquals("Handshake took 6.50 s: channel up after 2.50 s; 0 requests from the agent (class loading)", clock.summary());
    }
}
