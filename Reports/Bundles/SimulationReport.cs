using ScalePlanner.Reports.Html;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Reports.Bundles;

/// <summary>
/// `simulate --out DIR`: simulation.json (the contract's JSON), summary.csv, breakdown.csv and the time and memory bars; with
/// `--timeline` also timeline.json and the Gantt chart (gantt.png, gantt.svg); run.json and report.html.
/// </summary>
public static class SimulationReport
{
    public static ReportBundle Build(string scenario, SimulationResult result, TimelineSimulation? timeline, RunContext context)
    {
        string title = $"{scenario}: {PlanTable.ShortLayout(result)}";
        var bundle = new ReportBundle("simulate", title, context);
        bundle.AddText("simulation.json", SimulationJson.Serialize(result, timeline is null ? null : TimelineJson.Summarize(timeline.Timeline, timeline.ClosedForm)));
        bundle.AddCsv("summary.csv", writer => SummaryCsv.Write(writer, Figures(result, timeline is null ? "closed-form" : "timeline")));
        bundle.AddCsv("breakdown.csv", writer => BreakdownCsv.Write(writer, result));
        (string, SimulationResult)[] one = [(PlanTable.ShortLayout(result), result)];
        bundle.AddSection("prediction", "Prediction", [$"Layout: {result.Layout}"],
            [new ReportTable("the cost model's prediction", "summary.csv", []), new ReportTable("step time and memory by part", "breakdown.csv", [])],
            [
                bundle.AddPlot("time-breakdown", BreakdownPlots.Time($"{scenario}: where the step goes", one), "step time by part", PlanReport.BarsWidth, PlanReport.BarsHeight(1)),
                bundle.AddPlot("memory", BreakdownPlots.Memory($"{scenario}: memory per device", one), "memory per device against capacity", PlanReport.BarsWidth, PlanReport.BarsHeight(1)),
            ]);
        if (timeline is not null)
        {
            bundle.AddText("timeline.json", TimelineJson.Serialize(timeline));
            var (width, height) = GanttChart.Size(timeline.Timeline);
            var gantt = bundle.AddPlot("gantt", GanttChart.Build(timeline.Timeline, title), "the step event by event: compute streams and links of each device group", width, height);
            bundle.AddSection("timeline", "Event-driven timeline of one step",
                [$"Closed-form step time {Units.Seconds(timeline.ClosedForm.StepTimeSeconds)}; the timeline's {Units.Seconds(timeline.Timeline.StepTimeSeconds)}."], [], [gantt]);
        }
        return bundle;
    }

    private static IEnumerable<(string, object)> Figures(SimulationResult r, string engine) =>
    [
        ("engine", engine), ("fits", r.Fits), ("step_time_s", r.StepTimeSeconds), ("tokens_per_s", r.TokensPerSecond), ("model_tflops_per_gpu", r.ModelTflopsPerGpu),
        ("hardware_tflops_per_gpu", r.HardwareTflopsPerGpu), ("mfu", r.Mfu), ("hfu", r.Hfu), ("memory_per_gpu_bytes", r.MemoryPerGpuBytes),
        ("memory_capacity_bytes", r.MemoryCapacityBytes), ("goodput", r.Goodput), ("time_to_train_s", r.TimeToTrainSeconds),
        .. r.CostDollars is { } cost ? new (string, object)[] { ("cost_dollars", cost) } : [],
    ];
}
