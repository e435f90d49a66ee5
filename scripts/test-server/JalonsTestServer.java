package fr.jalons.testserver;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.time.Instant;

/**
 * Temporal's time-skipping test server, started at a chosen instant.
 *
 * <p>Same command line as io.temporal.testserver.TestServer (`<port> [--enable-time-skipping]`,
 * which is what the TypeScript SDK passes), plus the environment variable
 * JALONS_TEST_SERVER_START (ISO-8601 instant): the server's clock starts there instead of now,
 * so a timeline in the past (a scenario of January 2026, a DST change) runs on its real dates.
 */
public final class JalonsTestServer {
  private JalonsTestServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("Usage: <port> [--enable-time-skipping]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    boolean enableTimeSkipping = args.length > 1 && "--enable-time-skipping".equalsIgnoreCase(args[1]);
    String start = System.getenv("JALONS_TEST_SERVER_START");
    long initialTimeMillis = start == null || start.isBlank() ? 0L : Instant.parse(start).toEpochMilli();

    TestServicesStarter services = new TestServicesStarter(!enableTimeSkipping, initialTimeMillis);
    ServerBuilder<?> builder = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    server.awaitTermination();
  }
}
