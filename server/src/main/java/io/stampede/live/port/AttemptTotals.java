package io.stampede.live.port;

import io.stampede.shared.live.AttemptCounts;
import java.util.Collection;
import java.util.Map;

/** Purchase attempts per sale and second, summed over every instance of the service. */
public interface AttemptTotals {
    /** Adds this instance's finished seconds. */
    void add(Collection<AttemptCounts.Second> seconds);

    /**
     * The sums of one second for each of the sales (those with no attempt that second are left out): counts by
     * {@link AttemptCounts.Outcome} ordinal and latency buckets.
     */
    Map<String, AttemptCounts.Second> read(Collection<String> saleIds, long epochSecond);
}
