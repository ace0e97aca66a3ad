using ScalePlanner.Calibration.Torch;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Html;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// What a report says about the run it comes from: the command line, the scenario file's text, which device profile priced
/// it (calibrated or the catalog's default, with its source and date), the cost model's validation error for that device
/// class (computed by `validate`'s code, not quoted), and the versions.
/// </summary>
public static class ReportContext
{
    /// <summary>The accelerator Megatron SC21 Table 1 was measured on (DGX A100): its catalog keys begin with this.</summary>
    private const string MegatronDeviceClass = "a100";

    /// <summary>The context of a run priced on these accelerators (a scenario's cluster options) with the catalog's or a calibrated profile.</summary>
    public static RunContext ForDevice(string? scenarioPath, IReadOnlyList<AcceleratorSpec> accelerators, DeviceProfile? calibrated, bool usedTorch = false)
    {
        var distinct = accelerators.DistinctBy(a => a.Key).ToList();
        var facts = new List<ProvenanceFact>();
        foreach (var accelerator in distinct)
        {
            var profile = calibrated ?? accelerator.DefaultProfile;
            string of = distinct.Count > 1 ? $" ({accelerator.Key})" : "";
            facts.Add(new($"accelerator{of}", $"{accelerator.DisplayName} ({accelerator.Key}): {accelerator.Source}"));
            facts.Add(new($"device profile{of}", calibrated is null ? $"catalog default for {accelerator.Key}" : $"from --profile: {profile.Name}"));
            facts.Add(new($"profile source{of}", profile.Source));
            facts.Add(new($"profile date{of}", profile.Date ?? "not recorded (catalog defaults carry their sources, not a date)"));
        }
        facts.Add(new("catalog price basis", $"{AcceleratorCatalog.PriceBasis}; read {AcceleratorCatalog.PriceDate}"));
        return new RunContext(CommandLine(), ScenarioText(scenarioPath), new Provenance(facts, Validation(distinct, calibrated)), Versions(usedTorch));
    }

    public static RunContext ForFit(string? runsPath, IReadOnlyList<ProvenanceFact> facts, bool usedTorch) => new(
        CommandLine(), null,
        new Provenance([.. runsPath is null ? [] : new[] { new ProvenanceFact("runs", Path.GetFullPath(runsPath)) }, .. facts], []),
        Versions(usedTorch));

    /// <summary>
    /// The cost model's error where it was checked: Megatron SC21 Table 1 throughput (A100; stated as another class for other
    /// devices), ZeRO SC20 Table 1 model-state memory (device-independent), and a calibrated profile's own held-out blocks.
    /// </summary>
    private static IReadOnlyList<ValidationSummary> Validation(IReadOnlyList<AcceleratorSpec> accelerators, DeviceProfile? calibrated)
    {
        var summaries = new List<ValidationSummary>();
        var sameClass = accelerators.Where(a => a.Key.StartsWith(MegatronDeviceClass, StringComparison.Ordinal)).Select(a => a.Key).ToList();
        var otherClass = accelerators.Select(a => a.Key).Except(sameClass).ToList();
        foreach (var table in ValidateCommand.PublishedRuns().GroupBy(r => r.Table))
        {
            var rows = table.ToList();
            var (mape, worst) = ValidationReport.Summary(rows);
            string applies = !table.Key.StartsWith("Megatron", StringComparison.Ordinal)
                ? "every device (model-state bytes do not depend on the device)"
                : otherClass.Count == 0
                    ? $"A100: this device class ({string.Join(", ", sameClass)})"
                    : $"A100 only; no published runs of {string.Join(", ", otherClass)} are in validation/";
            summaries.Add(new ValidationSummary(table.Key, rows[0].Metric, applies, rows.Count, mape, worst));
        }
        if (calibrated?.Validation is { Count: > 0 } held)
        {
            summaries.Add(new ValidationSummary("held-out blocks of this profile (calibrate)", "forward + backward seconds", "this machine", held.Count,
                held.Average(v => Math.Abs(v.ErrorPercent)), held.Max(v => Math.Abs(v.ErrorPercent))));
        }
        return summaries;
    }

    private static RunVersions Versions(bool usedTorch) =>
        usedTorch ? RunVersions.Current(TorchRuntime.TorchSharpVersion, TorchRuntime.LibTorchVersion) : RunVersions.Current();

    private static string? ScenarioText(string? path) => path is null ? null : File.ReadAllText(path);

    /// <summary>The command as typed, arguments with spaces quoted.</summary>
    private static string CommandLine() =>
        string.Join(' ', ["scaleplan", .. Environment.GetCommandLineArgs().Skip(1).Select(a => a.Contains(' ') ? $"\"{a}\"" : a)]);
}
