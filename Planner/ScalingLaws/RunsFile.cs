using System.Globalization;
using CsvHelper;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// The runs CSV of `fit` (DESIGN.md): columns `params`, `tokens` (or `flops`, from which D = C / 6N), `loss`. A row with a
/// missing, non-numeric or non-positive value is rejected with its row number (the header is row 1).
/// </summary>
public static class RunsFile
{
    /// <summary>A runs file whose name says "synthetic" holds runs drawn from a law, not measured: `fit` says so in its output.</summary>
    public static bool IsSynthetic(string path) => Path.GetFileName(path).Contains("synthetic", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<ScalingRun> Read(string path)
    {
        if (!File.Exists(path)) throw new SpecException("RUNS.csv", $"file '{path}' does not exist");
        using var csv = CsvReader.Create(File.OpenRead(path));
        var header = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        if (header.Count == 0) throw new SpecException("RUNS.csv", $"'{path}' is empty; expected a header with params, tokens (or flops), loss");
        int parameters = Column(header, "params"), loss = Column(header, "loss");
        int tokens = header.IndexOf("tokens"), flops = header.IndexOf("flops");
        if (tokens < 0 && flops < 0) throw new SpecException("RUNS.csv", "needs a 'tokens' or a 'flops' column");

        var runs = new List<ScalingRun>();
        int row = 1;
        while (csv.Read())
        {
            row++;
            double n = Positive(parameters, "params"), l = Positive(loss, "loss");
            double d = tokens >= 0 ? Positive(tokens, "tokens") : Positive(flops, "flops") / (6 * n);
            runs.Add(new ScalingRun(n, d, l));
        }
        if (runs.Count < 6) throw new SpecException("RUNS.csv", $"{runs.Count} runs are too few to fit; give at least 6");
        return runs;

        double Positive(int column, string name)
        {
            string text = column < csv.FieldCount ? csv.GetString(column).Trim() : "";
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value)
                ? value
                : throw new SpecException($"RUNS.csv row {row}", $"{name} must be a positive number, got '{text}'");
        }
    }

    private static int Column(List<string> header, string name)
    {
        int index = header.IndexOf(name);
        return index >= 0 ? index : throw new SpecException("RUNS.csv", $"has no '{name}' column; columns: {string.Join(", ", header)}");
    }
}
