using CsvHelper;
using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Reports.Bundles;

/// <summary>options.csv of `plan --out`: each cluster option's best layout, also when it misses the constraints or nothing fits.</summary>
public static partial class OptionsCsv
{
    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("option")] public string Option { get; set; } = "";
        /// <summary>meets (the constraints), misses (the deadline or budget; its fastest layout is shown) or nothing fits.</summary>
        [CsvColumn("status")] public string Status { get; set; } = "";
        [CsvColumn("time_to_train_s")] public double? TimeToTrainSeconds { get; set; }
        [CsvColumn("time_low_s")] public double? TimeLowSeconds { get; set; }
        [CsvColumn("time_high_s")] public double? TimeHighSeconds { get; set; }
        [CsvColumn("cost_dollars")] public double? CostDollars { get; set; }
        [CsvColumn("dollars_per_million_tokens")] public double? DollarsPerMillionTokens { get; set; }
        [CsvColumn("mfu")] public double? Mfu { get; set; }
        [CsvColumn("pareto_front")] public bool ParetoFront { get; set; }
        [CsvColumn("layout")] public string Layout { get; set; } = "";
    }

    public static IEnumerable<Row> Rows(PlanResult plan) => plan.Options.Select(o =>
    {
        var shown = o.Best ?? o.BestOutsideConstraints;
        var r = shown?.Result;
        var band = shown?.Band is { Exists: true } b ? b : null;
        double? tokens = r is null ? null : r.TokensPerSecond * r.FailureFreeTimeToTrainSeconds;
        return new Row
        {
            Option = o.Name, Status = o.Best is not null ? "meets" : shown is not null ? "misses" : "nothing fits",
            TimeToTrainSeconds = r?.TimeToTrainSeconds, TimeLowSeconds = r?.TimeToTrainSeconds * band?.Low, TimeHighSeconds = r?.TimeToTrainSeconds * band?.High,
            CostDollars = r?.CostDollars, DollarsPerMillionTokens = r?.CostDollars / tokens * 1e6, Mfu = r?.Mfu, ParetoFront = o.OnParetoFront,
            Layout = r?.Layout.ToString() ?? "",
        };
    });

    public static void Write(CsvWriter writer, PlanResult plan) => writer.WriteRecords(Rows(plan));
}
