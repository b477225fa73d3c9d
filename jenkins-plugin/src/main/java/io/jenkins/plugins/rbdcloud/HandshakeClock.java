package io.jenkins.plugins.rbdcloud;

import hudson.remoting.Channel;
import hudson.remoting.Command;
import hudson.remoting.Request;
import hudson.remoting.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Where a channel launch's time goes: until remoting's channel is up (the first command the
 * controller writes), then each call Jenkins makes over it while bringing the agent online, and
 * how many commands the agent sent meanwhile (mostly class loading). One line in the launch log,
 * so an admin sees which part of a slow start is remoting and which is the guest.
 */
class HandshakeClock extends Channel.Listener {

    private final LongSupplier nanos;
    private final long start;
    private long channelUp = -1;
    private final Map<String, long[]> calls = new LinkedHashMap<>(); // name -> {count, nanos}
    private int fromAgent;

    HandshakeClock(LongSupplier nanos) {
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    @Override
    public synchronized void onWrite(Channel channel, Command cmd, long blockSize) {
        if (channelUp < 0) {
            channelUp = nanos.getAsLong();
        }
    }

    @Override
    public synchronized void onRead(Channel channel, Command cmd, long blockSize) {
        if (!(cmd instanceof Response)) {
            fromAgent++;
        }
    }

    @Override
    public synchronized void onResponse(Channel channel, Request<?, ?> req, Response<?, ?> rsp, long totalTime) {
        long[] c = calls.computeIfAbsent(callName(req.toString()), k -> new long[2]);
        c[0]++;
        c[1] += totalTime;
    }

    /** {@code UserRequest:hudson.slaves.SlaveComputer$SlaveVersion@1a2b} → {@code SlaveVersion}. */
    static String callName(String request) {
        String s = request.startsWith("UserRequest:") ? request.substring("UserRequest:".length()) : request;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        s = s.substring(Math.max(s.lastIndexOf('.'), s.lastIndexOf('$')) + 1);
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    /** One line: total, channel set-up, then the calls in the order Jenkins first made them. */
    synchronized String summary() {
        long now = nanos.getAsLong();
        StringBuilder b = new StringBuilder("Handshake took ").append(seconds(now - start)).append(" s: channel up after ")
                .append(channelUp < 0 ? "-" : seconds(channelUp - start)).append(" s");
        if (!calls.isEmpty()) {
            b.append("; calls:");
            calls.forEach((name, c) -> b.append(' ').append(name).append(c[0] > 1 ? " ×" + c[0] : "").append(' ')
                    .append(seconds(c[1])).append(" s,"));
            b.setLength(b.length() - 1);
        }
        return b.append("; ").append(fromAgent).append(" requests from the agent (class loading)").toString();
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f", TimeUnit.NANOSECONDS.toMillis(nanos) / 1000.0);
    }
}
