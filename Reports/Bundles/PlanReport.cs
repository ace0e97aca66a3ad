using ScalePlanner.Reports.Html;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Reports.Bundles;

/// <summary>
/// `plan --out DIR`: plan.csv, plan.json and the Pareto plot (the files the contract names), the ranked layouts' time and
/// memory breakdowns, the strong and weak scaling sweep (scaling.csv and its plots), run.json and report.html.
/// </summary>
public static class PlanReport
{
    /// <summary>Columns of plan.csv the page shows; the file has every part of the breakdown.</summary>
    private static readonly string[] Shown = ["rank", "accelerator", "devices", "step_time_s", "tokens_per_s", "mfu", "memory_per_gpu_bytes", "goodput", "time_to_train_s", "cost_dollars", "engine", "recipe_changes", "layout"];

    public static ReportBundle Build(PlanResult plan, IReadOnlyList<ScalingPoint> scaling, RunContext context)
    {
        var bundle = new ReportBundle("plan", $"{plan.Scenario}: layout plan", context);
        bundle.AddCsv("plan.csv", writer => writer.WriteRecords(PlanCsv.Rows(plan)));
        bundle.AddText("plan.json", PlanJson.Serialize(plan));

        var ranked = plan.Top.Select(r => ($"#{r.Rank} {r.Cluster.Devices} {r.Cluster.Accelerator.Key}: {PlanTable.ShortLayout(r.Result)}", r.Result)).ToList();
        var layoutFigures = ranked.Count == 0 ? [] : new[]
        {
            bundle.AddPlot("time-breakdown", BreakdownPlots.Time($"{plan.Scenario}: where the step goes", ranked), "step time of the ranked layouts by part", BarsWidth, BarsHeight(ranked.Count)),
            bundle.AddPlot("memory", BreakdownPlots.Memory($"{plan.Scenario}: memory per device", ranked), "memory per device of the ranked layouts against capacity", BarsWidth, BarsHeight(ranked.Count)),
        };
        var notes = new List<string> { $"Objective: {plan.Objective}; training recipe {plan.Recipe}. {plan.Counts.Considered:N0} layouts considered, {plan.Counts.Fit:N0} fit in memory, {plan.Counts.OverMemory:N0} over memory." };
        notes.AddRange(PriceText.Lines(plan.Options.Select(o => o.Cluster)));
        notes.AddRange(RankingTable.Footnotes(plan, wide: true));
        if (plan.Top.Count > 0) notes.Add($"Times and costs: {BandText.Source(plan.Top[0].Band)} (band_low and band_high in plan.csv are factors on the predicted time and cost).");
        notes.AddRange(plan.WhatWouldFit.Select(w => $"What would fit: {w}"));
        bundle.AddSection("ranked", "Ranked layouts", notes, [new ReportTable("best layouts by the objective", "plan.csv", Shown)], layoutFigures);
        if (plan.Explanation is not null) bundle.AddSection("why", "Why this layout", [.. ExplanationText.Lines(plan).Select(l => l.Trim())], [], []);
        if (plan.Options.Count > 1)
        {
            bundle.AddCsv("options.csv", writer => OptionsCsv.Write(writer, plan));
            bundle.AddSection("options", "Each cluster option's best layout", [ClusterComparison.Verdict(plan), .. ClusterComparison.Footnotes(plan)],
                [new ReportTable("best layout of each cluster option", "options.csv", [])], []);
        }

        var pareto = bundle.AddPlot("pareto", ParetoPlot.Build(plan, plan.FastestPerCluster), "fastest layout of each cluster option; the line joins the Pareto front");
        bundle.AddSection("pareto-front", "Time to train against cost", [], [], [pareto]);

        if (scaling.Count > 0)
        {
            bundle.AddCsv("scaling.csv", writer => ScalingCsv.Write(writer, scaling));
            bundle.AddSection("scaling", "Strong and weak scaling",
                ["The best layout of the first cluster option at each device count, found by the same search. Strong scaling keeps the global batch; weak scaling grows it with the devices."],
                [new ReportTable("best layout at each device count", "scaling.csv", [])],
                [
                    bundle.AddPlot("scaling-throughput", ScalingPlots.Throughput(plan.Scenario, scaling), "tokens per second against device count"),
                    bundle.AddPlot("scaling-efficiency", ScalingPlots.Efficiency(plan.Scenario, scaling), "throughput per device relative to the smallest count"),
                ]);
        }
        return bundle;
    }

    /// <summary>Wider than the other plots: the bars' labels are layout strings.</summary>
    public const int BarsWidth = 1200;

    /// <summary>Room for every bar: 220 pixels of margins, title and legend plus 36 per layout, at least 320.</summary>
    public static int BarsHeight(int bars) => Math.Max(320, 220 + 36 * bars);
}
