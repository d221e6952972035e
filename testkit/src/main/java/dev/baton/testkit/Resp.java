package dev.baton.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal RESP2 client: enough to PING, AUTH, SET, GET and EVAL without a Redis library, for
 * the testkit's readiness probes and the fault suite's register
 * ({@link dev.baton.testkit.faults}). Replies come back as strings: simple strings and integers
 * as their text, bulk strings as their content (null for a nil reply), errors as {@code "-"}
 * followed by the error text; arrays are not supported. Not thread-safe: one connection per
 * thread.
 */
public final class Resp implements Closeable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private Resp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Connects over plain TCP.
   *
   * @param host the server's host
   * @param port the server's port
   * @param timeout bounds the connect and every later read
   * @return the connection; the caller closes it
   * @throws IOException if the connection cannot be made in time
   */
  public static Resp connect(String host, int port, Duration timeout) throws IOException {
    return connect(host, port, timeout, null);
  }

  /** Connects, over TLS when {@code tls} is not null (no host-name check: a readiness probe). */
  static Resp connect(String host, int port, Duration timeout, SSLSocketFactory tls)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      if (tls == null) {
        return new Resp(socket);
      }
      SSLSocket secure = (SSLSocket) tls.createSocket(socket, host, port, true);
      secure.startHandshake();
      return new Resp(secure);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Sends one command and reads its reply.
   *
   * @param args the command and its arguments, e.g. {@code "GET", "key"}
   * @return the reply as described in the class doc; an error reply starts with {@code "-"}
   * @throws IOException if the connection fails or the read times out
   */
  public String call(String... args) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(bytes);
      request.writeBytes(new byte[] {'\r', '\n'});
    }
    out.write(request.toByteArray());
    out.flush();
    return readReply();
  }

  private String readReply() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("Redis closed the connection");
    }
    String line = readLine();
    switch (type) {
      case '+':
      case ':':
        return line;
      case '-':
        return "-" + line;
      case '$':
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] data = in.readNBytes(length + 2);
        if (data.length < length + 2) {
          throw new EOFException("Redis closed the connection in a bulk reply");
        }
        return new String(data, 0, length, StandardCharsets.UTF_8);
      default:
        throw new IOException("Unsupported RESP reply type '" + (char) type + "': " + line);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("Redis closed the connection in a reply line");
      }
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
  }

  /** Closes the connection. */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}
