// Declaration-only stub of hudson.init.TermMilestone (Jenkins 2.555 public API), for the stub-kit
// compile check only; see ../../README.md.
package hudson.init;

public enum TermMilestone {
    STARTED, COMPLETED
}
