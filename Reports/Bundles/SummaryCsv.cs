using System.Globalization;
using CsvHelper;

namespace ScalePlanner.Reports.Bundles;

/// <summary>A two-column CSV of named figures (figure, value), invariant culture: summary.csv of `simulate` and `execute`.</summary>
public static partial class SummaryCsv
{
    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("figure")] public string Figure { get; set; } = "";
        [CsvColumn("value")] public string Value { get; set; } = "";
    }

    public static void Write(CsvWriter writer, IEnumerable<(string Figure, object Value)> figures) => writer.WriteRecords(figures.Select(f => new Row
    {
        Figure = f.Figure, Value = Convert.ToString(f.Value, CultureInfo.InvariantCulture) ?? "",
    }));
}
