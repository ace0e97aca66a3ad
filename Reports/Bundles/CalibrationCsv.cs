using CsvHelper;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Reports.Bundles;

/// <summary>
/// The CSV files of `calibrate --out DIR`: fits.csv (each fitted curve's model and errors), validation.csv (held-out blocks:
/// predicted, measured, error) and curves.csv (the points of every calibration plot, measured and fitted).
/// </summary>
public static partial class CalibrationCsv
{
    [CsvRecord]
    public sealed partial class FitRow
    {
        [CsvColumn("curve")] public string Name { get; set; } = "";
        [CsvColumn("model")] public string Model { get; set; } = "";
        [CsvColumn("fit_error_percent")] public double FitError { get; set; }
        [CsvColumn("held_out_error_percent")] public double HeldOutError { get; set; }
        [CsvColumn("other_model")] public string Rejected { get; set; } = "";
    }

    [CsvRecord]
    public sealed partial class CurveRow
    {
        [CsvColumn("group")] public string Group { get; set; } = "";
        [CsvColumn("curve")] public string Curve { get; set; } = "";
        [CsvColumn("series")] public string Series { get; set; } = "";
        [CsvColumn("x")] public double X { get; set; }
        [CsvColumn("y")] public double Y { get; set; }
    }

    public static void WriteFits(CsvWriter writer, CalibrationRecord record) => writer.WriteRecords(record.Fits.Select(f => new FitRow
    {
        Name = f.Name, Model = f.Model, FitError = f.FitMapePercent, HeldOutError = f.HeldOutMapePercent, Rejected = f.Rejected ?? "",
    }));

    public static void WriteValidation(CsvWriter writer, IReadOnlyList<ValidationPoint> validation) => ComparisonCsv.Write(writer,
        [.. validation.Select(v => new ComparisonCsv.Figure($"{v.Name} (s)", v.PredictedSeconds, v.MeasuredSeconds))]);

    public static void WriteCurves(CsvWriter writer, IReadOnlyList<CalibrationCurve> curves) => writer.WriteRecords(curves.SelectMany(c =>
        c.MeasuredX.Select((x, i) => new CurveRow { Group = c.Group, Curve = c.Name, Series = "measured", X = x, Y = c.MeasuredY[i] })
            .Concat(c.FittedX.Select((x, i) => new CurveRow { Group = c.Group, Curve = c.Name, Series = "fitted", X = x, Y = c.FittedY[i] }))));
}
