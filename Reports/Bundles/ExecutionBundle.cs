using ScalePlanner.Executor.Measurements;
using ScalePlanner.Reports.Html;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports.Bundles;

/// <summary>`execute --out DIR`: steps.csv, comparison.csv (predicted against measured), the step-time and loss plots, run.json and report.html.</summary>
public static class ExecutionBundle
{
    public static ReportBundle Build(string scenario, SimulationResult predicted, IReadOnlyList<StepMetrics> steps, double entropyRate, RunContext context)
    {
        var bundle = new ReportBundle("execute", $"{scenario}: {PlanTable.ShortLayout(predicted)}, executed", context);
        bundle.AddCsv("steps.csv", writer => ExecutionReport.WriteSteps(writer, steps));
        double measured = ExecutionReport.MeasuredStepSeconds(steps);
        var measuredSteps = Warmup.Measured(steps);
        double measuredThroughput = measuredSteps.Average(s => s.TokensPerSecond);
        bundle.AddCsv("comparison.csv", writer => ComparisonCsv.Write(writer,
        [
            new("step_time_s (median after warm-up)", predicted.StepTimeSeconds, measured),
            new("tokens_per_s (mean after warm-up)", predicted.TokensPerSecond, measuredThroughput),
        ]));
        int warmup = steps.Count - measuredSteps.Count;
        bundle.AddSection("predicted-vs-measured", "Predicted against measured",
            [$"Layout: {predicted.Layout}. The first {warmup} steps are warm-up and are left out of the measured figures."],
            [new ReportTable("the cost model's prediction and the measurement", "comparison.csv", [])],
            [
                bundle.AddPlot("step-time", ExecutionPlots.StepTime(scenario, predicted, steps, warmup), "measured time of each step and the predicted step time"),
                bundle.AddPlot("loss", ExecutionPlots.Loss(scenario, steps, entropyRate), double.IsNaN(entropyRate) ? "loss of each step (a corpus has no known floor)" : "loss of each step and the entropy rate of the synthetic source"),
            ]);
        bundle.AddSection("steps", "Steps", [], [new ReportTable("every optimizer step", "steps.csv", [])], []);
        return bundle;
    }
}
