package io.jenkins.plugins.rbdcloud.engine.agents;

/**
 * Creating an agent failed. {@link #step()} says where ({@code reserve}, {@code clone},
 * {@code start}, {@code wait-ready}, or {@code cancelled}); the message says why, and what was
 * undone. Nothing the failed attempt created is left behind (or, when an undo failed too, it is
 * named in a suppressed exception and left to reconciliation).
 */
public class ProvisioningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String agent;
    private final String step;
    private final String reason;

    public ProvisioningException(String agent, String step, String message, Throwable cause) {
        super("agent " + agent + ": " + step + " failed: " + message, cause);
        this.agent = agent;
        this.step = step;
        this.reason = message;
    }

    public String agent() {
        return agent;
    }

    public String step() {
        return step;
    }

    /** Why the step failed, without the agent and step prefix of the message. */
    public String reason() {
        return reason;
    }
}
