package dev.baton.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * etcd as a private process: alone (its own one-member cluster) or as a member of an
 * {@link EtcdCluster}, which then sets the ports and initial cluster. Thread-safe.
 */
final class EtcdProcess extends ServerProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(PROBE_TIMEOUT)
      .build();

  private final Path binary;
  private final String memberName;
  private final TestCertificate tls;
  private final HttpClient http;
  private final List<String> extraArgs;
  private volatile int clientPort;
  private volatile int peerPort;
  private volatile String initialCluster;
  private volatile String clusterToken;

  EtcdProcess(Path binary, String memberName, EtcdConfig config) {
    super("etcd", "etcd " + memberName, config.startupTimeout(), RunAs.current());
    this.binary = binary;
    this.memberName = memberName;
    this.tls = config.tls();
    this.http = tls == null ? HTTP : HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(PROBE_TIMEOUT)
        .sslContext(tls.sslContext())
        .build();
    this.extraArgs = config.extraArgs();
  }

  /** Sets ports and cluster membership before a launch; a cluster calls this for each member. */
  void configure(int clientPort, int peerPort, String initialCluster, String clusterToken) {
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.initialCluster = initialCluster;
    this.clusterToken = clusterToken;
  }

  String memberName() {
    return memberName;
  }

  /** The peer URL other members reach this one at. */
  String peerUrl() {
    return "http://" + Ports.LOOPBACK + ":" + peerPort;
  }

  String endpoint() {
    return (tls == null ? "http://" : "https://") + Ports.LOOPBACK + ":" + clientPort;
  }

  /** Forgets the data of a failed first launch, so a fresh cluster can form on other ports. */
  void wipeData() {
    WorkDirs.delete(dir().resolve("data"));
  }

  @Override
  void choosePorts() {
    int[] ports = Ports.free(2);
    configure(ports[0], ports[1], memberName + "=http://" + Ports.LOOPBACK + ":" + ports[1],
        "baton-" + memberName + "-" + ports[1]);
    wipeData();
  }

  @Override
  List<String> command() {
    String client = endpoint();
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--name", memberName,
        "--data-dir", dir().resolve("data").toString(),
        "--listen-client-urls", client,
        "--advertise-client-urls", client,
        "--listen-peer-urls", peerUrl(),
        "--initial-advertise-peer-urls", peerUrl(),
        "--initial-cluster", initialCluster,
        "--initial-cluster-state", "new",
        "--initial-cluster-token", clusterToken,
        "--logger", "zap",
        "--log-outputs", "stderr"));
    if (tls != null) {
      command.addAll(List.of("--cert-file", tls.certificatePem().toString(),
          "--key-file", tls.privateKeyPem().toString()));
    }
    command.addAll(extraArgs);
    return command;
  }

  /** GET /health answers {@code "health":"true"}. */
  @Override
  boolean probe() throws IOException {
    return healthy(http, endpoint());
  }

  private static boolean healthy(HttpClient http, String endpoint) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/health"))
        .timeout(PROBE_TIMEOUT)
        .GET()
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          && response.body().replace(" ", "").contains("\"health\":\"true\"");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while checking " + endpoint + "/health", e);
    }
  }

  @Override
  public int port() {
    return clientPort;
  }
}
