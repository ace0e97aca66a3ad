using CsvHelper;

namespace ScalePlanner.Reports.Bundles;

/// <summary>comparison.csv: a predicted figure next to its measurement and the relative error of the prediction.</summary>
public static partial class ComparisonCsv
{
    public sealed record Figure(string Name, double Predicted, double Measured)
    {
        /// <summary>(predicted − measured) / measured, in per cent: the sign says whether the model is optimistic.</summary>
        public double ErrorPercent => (Predicted - Measured) / Measured * 100;
    }

    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("figure")] public string Figure { get; set; } = "";
        [CsvColumn("predicted")] public double Predicted { get; set; }
        [CsvColumn("measured")] public double Measured { get; set; }
        [CsvColumn("error_percent")] public double ErrorPercent { get; set; }
    }

    public static void Write(CsvWriter writer, IReadOnlyList<Figure> figures) => writer.WriteRecords(figures.Select(f => new Row
    {
        Figure = f.Name, Predicted = f.Predicted, Measured = f.Measured, ErrorPercent = f.ErrorPercent,
    }));
}
