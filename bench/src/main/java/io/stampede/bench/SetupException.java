package io.stampede.bench;

/** A failure before the burst (service unreachable, token rejected, sale not created): exit status 2. */
public final class SetupException extends RuntimeException {
    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
