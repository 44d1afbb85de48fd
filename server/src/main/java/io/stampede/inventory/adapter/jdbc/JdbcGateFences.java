package io.stampede.inventory.adapter.jdbc;

import io.stampede.inventory.port.GateFences;
import io.stampede.shared.jdbc.SqlDialect;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The gate fences as the columns {@code gate_epoch} and {@code per_user_limit} of the sale's row. */
@Repository
class JdbcGateFences implements GateFences {
    private final JdbcClient jdbc;
    private final SqlDialect dialect;

    JdbcGateFences(JdbcClient jdbc, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    @Override
    public long bump(String saleId) {
        jdbc.sql("UPDATE sales SET gate_epoch = gate_epoch + 1 WHERE id = ?")
                .param(saleId)
                .update();
        return jdbc.sql("SELECT gate_epoch FROM sales WHERE id = ?")
                .param(saleId)
                .query(Long.class)
                .single();
    }

    @Override
    public Map<String, Fence> lock(Collection<String> saleIds) {
        Map<String, Fence> fences = new HashMap<>();
        if (saleIds.isEmpty()) {
            return fences;
        }
        jdbc.sql("SELECT id, gate_epoch, per_user_limit FROM sales WHERE id IN ("
                        + SqlDialect.placeholders(saleIds.size()) + ") " + dialect.forShare())
                .params(new ArrayList<Object>(saleIds))
                .query((ResultSet rs) -> {
                    fences.put(rs.getString(1), new Fence(rs.getLong(2), rs.getInt(3)));
                });
        return fences;
    }

    @Override
    public void lockExclusively(String saleId) {
        jdbc.sql("SELECT id FROM sales WHERE id = ? FOR UPDATE")
                .param(saleId)
                .query(String.class)
                .optional();
    }
}
