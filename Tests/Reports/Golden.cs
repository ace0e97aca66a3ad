using System.Globalization;
using System.Runtime.CompilerServices;
using ScalePlanner.Reports.Html;

namespace ScalePlanner.Tests.Reports;

/// <summary>
/// Plain golden files under Tests/Reports/Golden. Set SCALEPLAN_UPDATE_GOLDEN=1 to rewrite them from the current output
/// (then read the diff before committing it).
/// </summary>
public static class Golden
{
    /// <summary>
    /// Relative tolerance for numbers in golden CSV files. The closed-form cost model is a few hundred floating-point
    /// operations per figure; another CPU or libm may round transcendental functions differently in the last bit, which
    /// accumulates to well under 1e-12 relative. 1e-9 leaves room for that and still catches any change of the model.
    /// </summary>
    public const double RelativeTolerance = 1e-9;

    public static string Path(string name, [CallerFilePath] string source = "") =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(source)!, "Golden", name);

    /// <summary>The golden text, or, when updating, the actual text written as the new golden file.</summary>
    public static string Expected(string name, string actual)
    {
        string path = Path(name);
        if (Environment.GetEnvironmentVariable("SCALEPLAN_UPDATE_GOLDEN") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"golden file {path} is missing; run the test with SCALEPLAN_UPDATE_GOLDEN=1 to create it");
        return File.ReadAllText(path);
    }

    /// <summary>Header and text cells exactly, numeric cells within <see cref="RelativeTolerance"/>.</summary>
    public static void AssertCsvMatches(string name, byte[] actualBytes)
    {
        string actualText = System.Text.Encoding.UTF8.GetString(actualBytes);
        var expected = CsvTable.Read(System.Text.Encoding.UTF8.GetBytes(Expected(name, actualText)), name);
        var actual = CsvTable.Read(actualBytes, name);
        Assert.Equal(expected.Header, actual.Header);
        Assert.Equal(expected.Rows.Count, actual.Rows.Count);
        for (int r = 0; r < expected.Rows.Count; r++)
        {
            for (int c = 0; c < expected.Header.Count; c++)
            {
                string e = expected.Rows[r][c], a = actual.Rows[r][c], where = $"{name} row {r + 1} column {expected.Header[c]}";
                if (double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double y))
                    Assert.True(Math.Abs(x - y) <= RelativeTolerance * Math.Max(Math.Abs(x), Math.Abs(y)), $"{where}: expected {e}, got {a}");
                else Assert.True(e == a, $"{where}: expected '{e}', got '{a}'");
            }
        }
    }
}
