using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// The cost model's error on one published run of a goal set, as a ratio of times: measured over predicted (above 1: the run
/// was slower than predicted). A throughput figure (tokens/s, TFLOP/s) is inverted, since time goes as one over throughput.
/// </summary>
public sealed record Residual(string Name, string Set, Framework Framework, string Accelerator, double Parameters, double TimeRatio)
{
    /// <summary>Measured over predicted time from a validation row's predicted and published figures in <paramref name="metric"/>.</summary>
    public static double Ratio(string metric, double predicted, double published) =>
        metric.StartsWith("step_seconds", StringComparison.Ordinal) ? published / predicted : predicted / published;
}
