package dev.baton.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost}, for testing TLS
 * against the testkit's servers: PEM files for the server, an {@link SSLContext} that trusts
 * it for the client. Made with the JDK's own {@code keytool}, so it needs no openssl. The files
 * live in a temp dir deleted at JVM exit.
 *
 * <p>Immutable and thread-safe.
 */
public final class TestCertificate {
  private static final String PASSWORD = "baton-test";

  private final Path certificatePem;
  private final Path privateKeyPem;
  private final SSLContext sslContext;

  private TestCertificate(Path certificatePem, Path privateKeyPem, SSLContext sslContext) {
    this.certificatePem = certificatePem;
    this.privateKeyPem = privateKeyPem;
    this.sslContext = sslContext;
  }

  /**
   * A new key pair and self-signed certificate for 127.0.0.1 and localhost, valid ten years.
   *
   * @return the certificate, its files in a temp dir deleted at JVM exit
   * @throws IllegalStateException if keytool or writing the files failed, or the thread was
   *     interrupted (its interrupt status is kept)
   */
  public static TestCertificate create() {
    return create("ip:127.0.0.1", "dns:localhost");
  }

  /**
   * A new key pair and self-signed certificate for the given subject alternative names, in
   * keytool's form ({@code "ip:127.0.0.1"}, {@code "dns:localhost"}), e.g. to test that a client
   * refuses a certificate that does not name the host it connects to.
   *
   * @param subjectAltNames one or more {@code ip:ADDRESS} or {@code dns:NAME} entries
   * @return the certificate, its files in a temp dir deleted at JVM exit
   * @throws IllegalArgumentException if none is given or one is not of that form
   * @throws IllegalStateException if keytool or writing the files failed, or the thread was
   *     interrupted (its interrupt status is kept)
   */
  public static TestCertificate create(String... subjectAltNames) {
    if (subjectAltNames.length == 0) {
      throw new IllegalArgumentException("at least one subject alternative name is needed");
    }
    for (String name : subjectAltNames) {
      if (!name.matches("(ip|dns):[A-Za-z0-9.:-]+")) {
        throw new IllegalArgumentException("not an ip:ADDRESS or dns:NAME entry: " + name);
      }
    }
    try {
      // A testkit dir: deleted at exit, or reaped by the next run if this JVM dies hard.
      Path dir = WorkDirs.create("tls");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> WorkDirs.delete(dir), "baton-tls-cleanup"));
      Path keystore = dir.resolve("server.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      List<String> command = List.of(keytool.toString(), "-genkeypair", "-alias", "server",
          "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
          "-dname", "CN=baton-test", "-ext", "SAN=" + String.join(",", subjectAltNames),
          "-keystore", keystore.toString(), "-storetype", "PKCS12",
          "-storepass", PASSWORD, "-keypass", PASSWORD);
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("keytool.log").toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool failed: " + String.join(" ", command) + "\n"
            + Files.readString(dir.resolve("keytool.log")));
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, PASSWORD.toCharArray());
      }
      PrivateKey key = (PrivateKey) store.getKey("server", PASSWORD.toCharArray());
      Certificate certificate = store.getCertificate("server");
      Path certificatePem = dir.resolve("server.crt");
      Path privateKeyPem = dir.resolve("server.key");
      Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()));
      Files.writeString(privateKeyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
      return new TestCertificate(certificatePem, privateKeyPem, trusting(certificate));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not make a test certificate: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making a test certificate", e);
    }
  }

  private static SSLContext trusting(Certificate certificate) throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("server", certificate);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** {@return the certificate's file, PEM-encoded (also the CA file, as it is self-signed)} */
  public Path certificatePem() {
    return certificatePem;
  }

  /** {@return the file of the unencrypted private key, PEM-encoded PKCS#8} */
  public Path privateKeyPem() {
    return privateKeyPem;
  }

  /** {@return a client context that trusts this certificate and nothing else} */
  public SSLContext sslContext() {
    return sslContext;
  }
}
