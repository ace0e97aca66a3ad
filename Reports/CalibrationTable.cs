using ScalePlanner.Simulator.Profiles;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>What `calibrate` measured and fitted, and the held-out check of the profile.</summary>
public static class CalibrationTable
{
    public static void Write(DeviceProfile profile, CalibrationRecord record, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var d = record.Device;
        console.MarkupLine($"[bold]{Markup.Escape(d.Processor)}[/] ({d.LogicalCores} logical cores, {d.TorchThreads} LibTorch threads), TorchSharp {Markup.Escape(d.TorchSharpVersion)}, LibTorch {Markup.Escape(d.LibTorchVersion)}, {d.Date}");
        console.WriteLine($"{record.Gemm.Count} matmul shapes, {record.Memory.Count} memory-kernel runs, {record.Collectives.Count} collective runs measured");

        var fits = new Table().Title("fitted curves (error on the fitted points and on held-out points; [[bootstrap interval]] where the record has one)").AddColumns("curve", "model", "parameters", "fit error", "held-out error", "other model");
        foreach (var f in record.Fits)
        {
            string parameters = f.Parameters.Count > 4 ? $"{f.Parameters.Count} table points" : string.Join(", ", f.Parameters.Select(p => $"{p.Key} {p.Value:G4}{Interval(f, p.Key)}"));
            fits.AddRow(Markup.Escape(f.Name), f.Model, Markup.Escape(parameters), $"{f.FitMapePercent:F1} %", $"{f.HeldOutMapePercent:F1} %", Markup.Escape(f.Rejected ?? ""));
        }
        console.Write(fits);

        if (profile.Validation is { Count: > 0 } validation)
        {
            var table = new Table().Title("validation: causal attention and transformer block, forward + backward, not used in the fit").AddColumns("size", "predicted", "measured", "error");
            foreach (var v in validation)
                table.AddRow(Markup.Escape(v.Name), Units.Seconds(v.PredictedSeconds), Units.Seconds(v.MeasuredSeconds), $"{v.ErrorPercent:+0.0;-0.0} %");
            console.Write(table);
            console.WriteLine($"validation: mean absolute error {validation.Average(v => Math.Abs(v.ErrorPercent)):F1} %, worst {validation.Max(v => Math.Abs(v.ErrorPercent)):F1} %");
        }
    }

    /// <summary>" [low–high]" of a parameter's bootstrap interval, or nothing for records without intervals.</summary>
    private static string Interval(CurveFit fit, string parameter) =>
        fit.Intervals is { } intervals && intervals.TryGetValue(parameter, out var interval) ? $" [{interval[0]:G3}–{interval[1]:G3}]" : "";
}
