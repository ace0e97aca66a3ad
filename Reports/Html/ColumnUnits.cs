using System.Globalization;

namespace ScalePlanner.Reports.Html;

/// <summary>
/// How report.html shows a CSV column: the files keep plain numbers in SI base units (bytes, seconds, dollars, fractions), the
/// page shows them as people read them, by the column's name: `_bytes` as GB, `_s` (not `_per_s`) as ms … days, `dollars` as
/// whole dollars, and the utilisation fractions (mfu, hfu, goodput, efficiency) as per cent. The header drops the unit suffix.
/// </summary>
public static class ColumnUnits
{
    private enum Unit { None, Bytes, Seconds, Dollars, Percent }

    private static readonly string[] Fractions = ["mfu", "hfu", "goodput", "efficiency"];

    private static Unit Of(string column) =>
        column.EndsWith("_bytes", StringComparison.Ordinal) ? Unit.Bytes
        : column.EndsWith("_s", StringComparison.Ordinal) && !column.EndsWith("_per_s", StringComparison.Ordinal) ? Unit.Seconds
        : column.Contains("dollars", StringComparison.Ordinal) ? Unit.Dollars
        : Fractions.Contains(column) ? Unit.Percent
        : Unit.None;

    /// <summary>The column's header for people: underscores as spaces, the unit suffix dropped ("memory per gpu", "time to train").</summary>
    public static string Header(string column)
    {
        string name = Of(column) switch
        {
            Unit.Bytes => column[..^"_bytes".Length],
            Unit.Seconds => column[..^"_s".Length],
            Unit.Dollars => column.Replace("_dollars", "").Replace("dollars_", "$ "),
            _ => column,
        };
        return name.Replace('_', ' ');
    }

    /// <summary>The cell in the column's unit; null when the column has none or the cell is not a number (the caller formats it).</summary>
    public static string? Format(string column, string text)
    {
        var unit = Of(column);
        if (unit == Unit.None || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return null;
        return unit switch
        {
            Unit.Bytes => Units.Bytes(value),
            Unit.Seconds => Units.Seconds(value),
            Unit.Dollars => value >= 100 ? Units.Dollars(value) : $"${value:F2}",
            _ => value.ToString("P1", CultureInfo.InvariantCulture),
        };
    }
}
