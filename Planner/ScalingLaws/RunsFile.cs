using System.Globalization;
using System.Text.Unicode;
using CsvHelper;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// The runs CSV of `fit` (DESIGN.md): columns `params`, `tokens` (or `flops`, from which D = C / 6N), `loss`; other named
/// columns are allowed and ignored. Reading is strict: a text file (UTF-8, no NUL bytes), each column named once, every row
/// with exactly the header's number of fields, and numbers written with a decimal point (1.5e9, not 1,5e9). A row that breaks
/// a rule, or holds a missing, non-numeric or non-positive value, is rejected with its row number (the header is row 1).
/// </summary>
public static class RunsFile
{
    /// <summary>A runs file whose name says "synthetic" holds runs drawn from a law, not measured: `fit` says so in its output.</summary>
    public static bool IsSynthetic(string path) => Path.GetFileName(path).Contains("synthetic", StringComparison.OrdinalIgnoreCase);

    private const string Field = "RUNS.csv";

    /// <summary>Runs needed to fit: one more than the Chinchilla form's five parameters.</summary>
    public const int MinimumRuns = 6;

    public static IReadOnlyList<ScalingRun> Read(string path)
    {
        if (Directory.Exists(path)) throw new SpecException(Field, $"'{path}' is a folder; give a CSV file");
        if (!File.Exists(path)) throw new SpecException(Field, $"file '{path}' does not exist");
        try
        {
            RequireText(path);
            using var csv = CsvReader.Create(File.OpenRead(path));
            return Runs(csv);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpecException(Field, $"cannot read '{path}': {ex.Message}");
        }
    }

    private static List<ScalingRun> Runs(CsvReader csv)
    {
        var header = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        if (header.Count == 0 || header.All(h => h.Length == 0)) throw new SpecException(Field, "is empty; expected a header with params, tokens (or flops), loss");
        if (header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new SpecException($"{Field} row 1", $"column '{twice.Key}' is named twice; name each column once");
        int parameters = Column(header, "params"), loss = Column(header, "loss");
        int tokens = header.IndexOf("tokens"), flops = header.IndexOf("flops");
        if (tokens < 0 && flops < 0) throw new SpecException(Field, "needs a 'tokens' or a 'flops' column");

        var runs = new List<ScalingRun>();
        int row = 1;
        while (csv.Read())
        {
            row++;
            if (csv.FieldCount != header.Count)
                throw new SpecException($"{Field} row {row}", $"has {csv.FieldCount} fields, the header {header.Count} ({string.Join(",", header)}); write numbers with a decimal point, not a comma, and no extra fields");
            double n = Positive(parameters, "params"), l = Positive(loss, "loss");
            double d = tokens >= 0 ? Positive(tokens, "tokens") : Positive(flops, "flops") / (6 * n);
            if (!double.IsFinite(d) || d <= 0) throw new SpecException($"{Field} row {row}", $"flops / (6 · params) = {d} tokens is not a positive number");
            runs.Add(new ScalingRun(n, d, l));
        }
        if (runs.Count < MinimumRuns) throw new SpecException(Field, $"{runs.Count} runs are too few to fit; give at least {MinimumRuns}");
        return runs;

        double Positive(int column, string name)
        {
            string text = csv.GetString(column).Trim();
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value)
                ? value
                : throw new SpecException($"{Field} row {row}", $"{name} must be a positive number written with a decimal point, got '{text}'");
        }
    }

    /// <summary>A binary file (NUL bytes, or bytes that are not UTF-8 in its first 64 KiB) is refused before its bytes are read as column names.</summary>
    private static void RequireText(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[64 * 1024];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var bytes = head.AsSpan(0, read);
        bool binary = bytes.Contains((byte)0);
        if (!binary)
        {
            // A multi-byte character cut at the 64 KiB boundary is not an error: only complete sequences are checked.
            int end = read == head.Length ? LastCompleteCharacter(bytes) : read;
            binary = !Utf8.IsValid(bytes[..end]);
        }
        if (binary) throw new SpecException(Field, $"'{path}' is not a text CSV (it holds binary bytes); give a CSV with columns params, tokens (or flops), loss");
    }

    /// <summary>The length of <paramref name="bytes"/> without a trailing, possibly cut, UTF-8 sequence (at most 3 bytes).</summary>
    private static int LastCompleteCharacter(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.Length;
        for (int back = 1; back <= 3 && end - back >= 0; back++)
        {
            if ((bytes[end - back] & 0xC0) != 0x80) return end - back;   // the lead byte of the last sequence (or ASCII)
        }
        return end;
    }

    private static int Column(List<string> header, string name)
    {
        int index = header.IndexOf(name);
        return index >= 0 ? index : throw new SpecException(Field, $"has no '{name}' column; columns: {string.Join(", ", header.Take(8).Select(h => h.Length > 40 ? h[..40] + "…" : h))}{(header.Count > 8 ? ", …" : "")}");
    }
}
