package dev.baton.testkit;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Host, port and database of a JDBC URL given in an environment variable.
 *
 * @param database the database, or the empty string when the URL names none
 */
record JdbcAddress(String host, int port, String database) {
  private static final Pattern URL = Pattern.compile(
      "jdbc:([a-z]+)://(\\[[^\\]]+\\]|[^/:,?;]+)(?::(\\d+))?(?:[,;][^/?]*)?(?:/([^?;]*))?(?:[?;].*)?");

  /**
   * Parses {@code value} from {@code variable}; the subprotocol must be one of
   * {@code subprotocols}. Only the first host of a multi-host URL is taken.
   */
  static JdbcAddress parse(String variable, String value, List<String> subprotocols,
      int defaultPort) {
    Matcher m = URL.matcher(value);
    if (!m.matches() || !subprotocols.contains(m.group(1))) {
      throw new IllegalArgumentException(variable + "=" + value + " is not a JDBC URL of the form"
          + " jdbc:" + subprotocols.get(0) + "://host[:port]/database");
    }
    String host = m.group(2);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = m.group(3) == null ? defaultPort : Integer.parseInt(m.group(3));
    return new JdbcAddress(host, port, m.group(4) == null ? "" : m.group(4));
  }
}
