package io.stampede.shared;

/** How a failure is told in an answer or a log line: its message, or its kind when it has none. */
public final class Failures {
    private Failures() {}

    public static String describe(Throwable t) {
        String message = t.getMessage();
        return message != null ? message : t.getClass().getSimpleName();
    }
}
