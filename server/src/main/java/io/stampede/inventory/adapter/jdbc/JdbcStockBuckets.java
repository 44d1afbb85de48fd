package io.stampede.inventory.adapter.jdbc;

import io.stampede.inventory.port.StockBuckets;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The database strategies' own statements on the rows of {@code stock_buckets}, in SQL both databases run. */
@Repository
class JdbcStockBuckets implements StockBuckets {
    private final JdbcClient jdbc;

    JdbcStockBuckets(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Versioned> read(String saleId) {
        return jdbc.sql("SELECT available, version FROM stock_buckets WHERE sale_id = ? AND bucket = 0")
                .param(saleId)
                .query((rs, n) -> new Versioned(rs.getLong(1), rs.getLong(2)))
                .optional();
    }

    @Override
    public long lock(String saleId, int bucket) {
        return jdbc.sql("SELECT available FROM stock_buckets WHERE sale_id = ? AND bucket = ? FOR UPDATE")
                .params(saleId, bucket)
                .query(Long.class)
                .single();
    }

    @Override
    public void take(String saleId, int bucket, long quantity) {
        jdbc.sql("UPDATE stock_buckets SET available = available - ?, version = version + 1 "
                        + "WHERE sale_id = ? AND bucket = ?")
                .params(quantity, saleId, bucket)
                .update();
    }

    @Override
    public boolean compareAndSet(String saleId, long version, long newAvailable) {
        return jdbc.sql("UPDATE stock_buckets SET available = ?, version = version + 1 "
                                + "WHERE sale_id = ? AND bucket = 0 AND version = ?")
                        .params(newAvailable, saleId, version)
                        .update()
                == 1;
    }

    @Override
    public boolean takeIfAvailable(String saleId, int bucket, long quantity) {
        return jdbc.sql("UPDATE stock_buckets SET available = available - ?, version = version + 1 "
                                + "WHERE sale_id = ? AND bucket = ? AND available >= ?")
                        .params(quantity, saleId, bucket, quantity)
                        .update()
                == 1;
    }

    @Override
    public boolean claimFence(String saleId, long fence) {
        // strictly lower: every acquisition has its own token, so an equal one is the same holder's second write
        return jdbc.sql("UPDATE stock_buckets SET fence = ? WHERE sale_id = ? AND bucket = 0 AND fence < ?")
                        .params(fence, saleId, fence)
                        .update()
                == 1;
    }

    @Override
    public long fence(String saleId) {
        return jdbc.sql("SELECT fence FROM stock_buckets WHERE sale_id = ? AND bucket = 0")
                .param(saleId)
                .query(Long.class)
                .single();
    }

    @Override
    public long available(String saleId) {
        return jdbc.sql("SELECT COALESCE(SUM(available), 0) FROM stock_buckets WHERE sale_id = ?")
                .param(saleId)
                .query(Long.class)
                .single();
    }
}
