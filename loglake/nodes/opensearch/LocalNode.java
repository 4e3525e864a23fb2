import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch node on 127.0.0.1 for loglake's tests and local use (started by
 * `loglake/opensearch_node.py`, which owns fetching, ports, waiting and stopping).
 *
 * Usage: java -cp CLASSES:LIB/* LocalNode HOME HTTP_PORT
 *
 * The modules run as classpath plugins, without the security manager: this is a development node,
 * bound to loopback only, with no security plugin. It prints one line `loglake-opensearch-node
 * http://127.0.0.1:PORT` on stdout once HTTP is up, and shuts down when its standard input closes
 * (so it never outlives the process that started it) or on SIGTERM.
 */
public final class LocalNode {
    private static final List<Class<? extends Plugin>> MODULES = List.of(
        Netty4Plugin.class, CommonAnalysisPlugin.class, MapperExtrasPlugin.class, PainlessPlugin.class
    );

    /** Node's plugin constructor is protected: this subclass only opens it. */
    private static final class ModulesNode extends Node {
        ModulesNode(Environment environment) {
            super(environment, MODULES, true);
        }
    }

    private LocalNode() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "loglake-local")
            .put("node.name", "loglake-local")
            .put("network.host", "127.0.0.1")
            .put("http.port", args[1])
            .put("transport.port", "0")
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("logger.level", "WARN")
            .build();
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), null, () -> "loglake-local"
        );
        Node node = new ModulesNode(environment);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> close(node)));
        node.start();
        int port = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress().getPort();
        System.out.println("loglake-opensearch-node http://127.0.0.1:" + port);
        System.out.flush();
        drain(System.in);
        System.exit(0); // runs the shutdown hook
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // nothing to read: the parent only keeps the pipe open while it wants the node
        }
    }

    private static void close(Node node) {
        try {
            node.close();
            node.awaitClose(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            System.err.println("loglake-opensearch-node: close failed: " + e);
        }
    }
}
