using ScalePlanner.Reports.Html;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Reports.Bundles;

/// <summary>
/// `calibrate --out DIR`: the device profile (device-profile.json, what `--profile` reads), fits.csv, validation.csv,
/// curves.csv, one plot per group of calibration curves (measured points and fitted curves), run.json and report.html.
/// </summary>
public static class CalibrationBundle
{
    public const string ProfileFileName = "device-profile.json";

    public static ReportBundle Build(DeviceProfile profile, CalibrationRecord record, IReadOnlyList<CalibrationAxes> groups, IReadOnlyList<CalibrationCurve> curves, RunContext context)
    {
        var d = record.Device;
        var bundle = new ReportBundle("calibrate", $"Calibration of {d.Processor}", context);
        bundle.AddText(ProfileFileName, ProfileFile.Serialize(profile, record));
        bundle.AddCsv("fits.csv", writer => CalibrationCsv.WriteFits(writer, record));
        bundle.AddCsv("curves.csv", writer => CalibrationCsv.WriteCurves(writer, curves));
        var figures = groups.Where(g => curves.Any(c => c.Group == g.Group))
            .Select(g => bundle.AddPlot($"calibration-{g.Group}", CalibrationPlots.Build(g, curves), g.Title, PlanReport.BarsWidth)).ToList();
        bundle.AddSection("measured", "Measured and fitted",
            [$"{d.Device} {d.Processor}: {d.LogicalCores} logical cores, {d.TorchThreads} LibTorch threads, measured {d.Date}{(record.Quick ? " (--quick)" : "")}. " +
             $"{record.Gemm.Count} matmul shapes, {record.Memory.Count} memory-kernel runs, {record.Collectives.Count} collective runs."],
            [new ReportTable("fitted curves: error on the fitted points and on held-out points", "fits.csv", [])], figures);
        if (profile.Validation is { Count: > 0 } validation)
        {
            bundle.AddCsv("validation.csv", writer => CalibrationCsv.WriteValidation(writer, validation));
            bundle.AddSection("validation", "Held-out check",
                ["Causal attention and whole transformer blocks, forward + backward, at sizes the fit never saw: the profile's prediction against the measurement."],
                [new ReportTable("prediction from the fitted profile against measurement", "validation.csv", [])], []);
        }
        return bundle;
    }
}
