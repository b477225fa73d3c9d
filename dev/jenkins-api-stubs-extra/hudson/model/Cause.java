// Declaration-only stub of hudson.model.Cause (Jenkins 2.555 public API), for
// the stub-kit compile check only; see ../../README.md.
package hudson.model;

public abstract class Cause {
    public abstract String getShortDescription();

    public static class UserIdCause extends Cause {
        public UserIdCause() { throw new UnsupportedOperationException(); }
        public UserIdCause(String userId) { throw new UnsupportedOperationException(); }
        public String getUserId() { throw new UnsupportedOperationException(); }
        public String getUserName() { throw new UnsupportedOperationException(); }
        @Override public String getShortDescription() { throw new UnsupportedOperationException(); }
    }
}
