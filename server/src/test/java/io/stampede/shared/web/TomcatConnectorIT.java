package io.stampede.shared.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.IntegrationTest;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The connector as a flash sale needs it: thousands of connections queued rather than reset, kept alive for many
 * requests, and enough idle request processors kept for a burst of thousands of purchases in flight (Tomcat's 200
 * made every request beyond them build a new processor).
 */
@IntegrationTest
class TomcatConnectorIT {
    @Autowired
    WebServerApplicationContext context;

    @Test
    void theConnectorKeepsProcessorsAndConnectionsForABurstOfThousands() {
        ProtocolHandler handler = ((TomcatWebServer) context.getWebServer())
                .getTomcat()
                .getConnector()
                .getProtocolHandler();
        assertThat(handler).isInstanceOf(AbstractProtocol.class);
        AbstractProtocol<?> protocol = (AbstractProtocol<?>) handler;
        assertThat(protocol.getProcessorCache()).isGreaterThanOrEqualTo(5000);
        assertThat(protocol.getMaxConnections()).isEqualTo(20000);
        assertThat(protocol.getAcceptCount()).isEqualTo(2048);
    }
}
