using CsvHelper;
using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Reports.Bundles;

/// <summary>scaling.csv: the best layout at each device count of the strong and weak sweeps.</summary>
public static partial class ScalingCsv
{
    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("mode")] public string Mode { get; set; } = "";
        [CsvColumn("devices")] public int Devices { get; set; }
        [CsvColumn("global_batch")] public int GlobalBatchSize { get; set; }
        [CsvColumn("layout")] public string Layout { get; set; } = "";
        [CsvColumn("tokens_per_s")] public double TokensPerSecond { get; set; }
        [CsvColumn("efficiency")] public double Efficiency { get; set; }
    }

    public static void Write(CsvWriter writer, IReadOnlyList<ScalingPoint> points) => writer.WriteRecords(points.Select(p => new Row
    {
        Mode = p.Mode.ToString().ToLowerInvariant(), Devices = p.Devices, GlobalBatchSize = p.GlobalBatchSize, Layout = p.Layout,
        TokensPerSecond = p.TokensPerSecond, Efficiency = p.Efficiency,
    }));
}
