package dev.baton.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a JMH JSON result file into one table per group (a benchmark class with one set of
 * parameters): every row with its score and error, and for each Baton row ({@code baton*}) its
 * ratio to every row of the group, Baton ÷ row (above 1: Baton is faster on a throughput score).
 * A {@code backend} parameter names a row rather than a group (Baton's and the peers' rows of one
 * benchmark method, such as the hand-off); a backend named {@code baton-*} is a Baton row.
 * Writes the tables as Markdown and every row as CSV. Used by {@code benchmarks/run.sh}.
 */
public final class Report {
  private Report() {}

  /** One benchmark method's result. */
  record Row(String group, String method, double score, double error, String unit) {}

  /**
   * Writes the report.
   *
   * @param args the JMH JSON file, the Markdown file to write, the CSV file to write
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException(
          "usage: Report <jmh results.json> <table.md> <results.csv>, got " + args.length + " arguments");
    }
    List<Row> rows = read(Path.of(args[0]));
    Files.writeString(Path.of(args[1]), markdown(rows), StandardCharsets.UTF_8);
    Files.writeString(Path.of(args[2]), csv(rows), StandardCharsets.UTF_8);
    System.out.print(markdown(rows));
  }

  static List<Row> read(Path json) throws IOException {
    JsonNode results = new ObjectMapper().readTree(json.toFile());
    if (!results.isArray()) {
      throw new IllegalArgumentException(json + " is not a JMH JSON result (no top-level array)");
    }
    List<Row> rows = new ArrayList<>();
    for (JsonNode result : results) {
      String benchmark = result.path("benchmark").asText();
      int dot = benchmark.lastIndexOf('.');
      String type = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
      Map<String, String> params = new TreeMap<>();
      result.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      String backend = params.remove("backend");
      String group = params.isEmpty() ? type : type + " " + params;
      String method = benchmark.substring(dot + 1);
      JsonNode metric = result.path("primaryMetric");
      double error = metric.path("scoreError").asDouble(Double.NaN);
      rows.add(new Row(group, backend == null ? method : backend, metric.path("score").asDouble(),
          error, metric.path("scoreUnit").asText()));
    }
    return rows;
  }

  static String markdown(List<Row> rows) {
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : rows) {
      groups.computeIfAbsent(row.group(), g -> new ArrayList<>()).add(row);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<Row>> group : groups.entrySet()) {
      List<Row> members = group.getValue();
      List<Row> batons = members.stream().filter(r -> r.method().startsWith("baton")).toList();
      out.append("### ").append(group.getKey()).append("\n\n| benchmark | score | ± error | unit |");
      for (Row baton : batons) {
        out.append(' ').append(baton.method()).append(" ÷ row |");
      }
      out.append("\n|---|---:|---:|---|").append("---:|".repeat(batons.size())).append('\n');
      for (Row row : members) {
        out.append("| ").append(row.method()).append(" | ").append(number(row.score()))
            .append(" | ").append(number(row.error())).append(" | ").append(row.unit()).append(" |");
        for (Row baton : batons) {
          out.append(' ').append(String.format(Locale.ROOT, "%.2f", ratio(baton, row))).append(" |");
        }
        out.append('\n');
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Baton ÷ row on a throughput score; row ÷ Baton on a time score, so above 1 is Baton ahead. */
  static double ratio(Row baton, Row row) {
    boolean time = baton.unit().endsWith("/op");
    return time ? row.score() / baton.score() : baton.score() / row.score();
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "—";
    }
    return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.3f", value);
  }

  static String csv(List<Row> rows) {
    StringBuilder out = new StringBuilder("group,benchmark,score,error,unit\n");
    for (Row row : rows) {
      out.append('"').append(row.group().replace("\"", "\"\"")).append("\",").append(row.method())
          .append(',').append(row.score()).append(',').append(row.error()).append(',')
          .append(row.unit()).append('\n');
    }
    return out.toString();
  }
}
