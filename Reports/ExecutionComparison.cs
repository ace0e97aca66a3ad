using System.Text.Json;
using ScalePlanner.Calibration.Validation;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports;

/// <summary>One figure of an executed run: the cost model's prediction, the measurement and (predicted − measured) / measured in percent.</summary>
public sealed record ComparedFigure(double Predicted, double Measured)
{
    /// <summary>Null when nothing was measured (a zero measurement has no relative error).</summary>
    public double? ErrorPercent => Measured == 0 ? null : (Predicted - Measured) / Measured * 100;
}

/// <summary>
/// `execute --format json`: the prediction next to the measurement for the step time and its parts, tokens/s, peak memory and
/// MFU (medians over the steps after warm-up, <see cref="Warmup.Steps"/>), the loss of every step, and for a mixture-of-experts
/// model the tokens routed to each expert and the measured load imbalance (<see cref="ExpertLoad"/>; absent for a dense model), and
/// with a calibrated profile the machine's speed against when it was calibrated (<see cref="Calibration.Validation.MachineSpeed"/>).
/// </summary>
public sealed record ExecutionComparison(
    string Scenario, string Layout, ComparedFigure StepTimeSeconds, ComparedFigure ComputeSeconds, ComparedFigure OptimizerSeconds,
    ComparedFigure DataWaitSeconds, ComparedFigure TokensPerSecond, ComparedFigure PeakMemoryBytes, ComparedFigure Mfu, IReadOnlyList<double> Losses)
{
    /// <param name="peakFlops">The device profile's peak FLOP/s for the layout's precision: both MFUs are taken against it.</param>
    /// <param name="experts">The router's measured load of an MoE model; null for a dense one.</param>
    public static ExecutionComparison From(string scenario, SimulationResult predicted, IReadOnlyList<StepMetrics> steps, double peakFlops, ExpertLoad? experts = null)
    {
        double Median(Func<StepMetrics, double> figure) => Warmup.Median(steps, figure);
        var time = predicted.Time;
        return new ExecutionComparison(scenario, predicted.Layout.ToString(),
            new(predicted.StepTimeSeconds, Median(s => s.StepSeconds)),
            new(time.Compute + time.Recompute, Median(s => s.ForwardSeconds + s.BackwardSeconds)),
            new(time.OptimizerStep, Median(s => s.OptimizerSeconds)),
            new(time.DataWait, Median(s => s.DataSeconds)),
            new(predicted.TokensPerSecond, Median(s => s.TokensPerSecond)),
            new(predicted.MemoryPerGpuBytes, Median(s => s.PeakMemoryBytes)),
            // MFU = model FLOPs per second over peak FLOP/s (Chowdhery et al. 2022, App. B).
            new(predicted.ModelFlopsPerStep / predicted.StepTimeSeconds / peakFlops, Median(s => s.Mfu ?? 0)),
            [.. steps.Select(s => s.Loss)]) { Experts = experts };
    }

    public ExpertLoad? Experts { get; init; }

    /// <summary>The machine's speed now against when the profile was calibrated; absent without a calibrated profile.</summary>
    public MachineSpeed? MachineSpeed { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonFormat.Options);
}
