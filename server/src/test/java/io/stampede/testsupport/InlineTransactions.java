package io.stampede.testsupport;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * For unit tests: runs transaction callbacks inline, with no database, counts the rollbacks, and can fail the next
 * commits (a commit whose acknowledgement was lost).
 */
public final class InlineTransactions extends AbstractPlatformTransactionManager {
    private final AtomicInteger rollbacks = new AtomicInteger();
    private final AtomicInteger commitsToFail = new AtomicInteger();
    private volatile RuntimeException commitFailure;

    /** The next {@code times} commits throw {@code failure} after their callbacks ran. */
    public void failCommits(int times, RuntimeException failure) {
        commitFailure = failure;
        commitsToFail.set(times);
    }

    public int rollbacks() {
        return rollbacks.get();
    }

    @Override
    protected Object doGetTransaction() {
        return new Object();
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {}

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        if (commitsToFail.getAndDecrement() > 0) {
            throw commitFailure;
        }
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
        rollbacks.incrementAndGet();
    }
}
