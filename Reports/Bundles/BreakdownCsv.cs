using CsvHelper;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports.Bundles;

/// <summary>breakdown.csv of `simulate`: the step's time parts in seconds and the device's memory parts in bytes, one row each.</summary>
public static partial class BreakdownCsv
{
    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("quantity")] public string Quantity { get; set; } = "";
        [CsvColumn("part")] public string Part { get; set; } = "";
        [CsvColumn("value")] public double Value { get; set; }
        [CsvColumn("unit")] public string Unit { get; set; } = "";
    }

    public static void Write(CsvWriter writer, SimulationResult result) => writer.WriteRecords(
        BreakdownPlots.TimeParts.Select(p => new Row { Quantity = "step time", Part = p.Name, Value = p.Value(result.Time), Unit = "s" })
            .Concat(BreakdownPlots.MemoryParts.Select(p => new Row { Quantity = "memory per device", Part = p.Name, Value = p.Value(result.Memory), Unit = "bytes" })));
}
