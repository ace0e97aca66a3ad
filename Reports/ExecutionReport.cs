using CsvHelper;
using ScalePlanner.Simulator.Simulation;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>`execute`: the measured steps next to the cost model's prediction for the same layout, and steps.csv's rows.</summary>
public static partial class ExecutionReport
{
    /// <summary>Steps before this one are warm-up (JIT, allocator, caches) and left out of the measured step time.</summary>
    public const int WarmupSteps = 2;

    /// <summary>The steps after warm-up (at least the last one).</summary>
    public static IReadOnlyList<T> Measured<T>(IReadOnlyList<T> steps) => [.. steps.Skip(Math.Min(WarmupSteps, steps.Count - 1))];

    /// <summary>Median of one figure over the steps after warm-up (the upper median for an even count).</summary>
    public static double MedianAfterWarmup<T>(IReadOnlyList<T> steps, Func<T, double> figure)
    {
        var sorted = Measured(steps).Select(figure).Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    public static double MeasuredStepSeconds(IReadOnlyList<StepMetrics> steps) => MedianAfterWarmup(steps, s => s.StepSeconds);

    public static void Write(string scenario, SimulationResult predicted, IReadOnlyList<StepMetrics> steps, double entropyRate, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        double measured = MeasuredStepSeconds(steps);
        var table = new Table().Title($"{Markup.Escape(scenario)}: {Markup.Escape(predicted.Layout.ToString())}").AddColumns("figure", "predicted", "measured", "error");
        table.AddRow("step time (median after warm-up)", Units.Seconds(predicted.StepTimeSeconds), Units.Seconds(measured), $"{(predicted.StepTimeSeconds - measured) / measured * 100:+0.0;-0.0} %");
        table.AddRow("tokens / s", $"{predicted.TokensPerSecond:N0}", $"{Measured(steps).Average(s => s.TokensPerSecond):N0}", "");
        table.AddRow("loss (first → last step)", double.IsNaN(entropyRate) ? "no known floor (corpus)" : $"source entropy {entropyRate:F3}", $"{steps[0].Loss:F3} → {steps[^1].Loss:F3}", "");
        console.Write(table);
    }

    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("step")] public int Step { get; set; }
        [CsvColumn("loss")] public double Loss { get; set; }
        [CsvColumn("tokens_per_s")] public double TokensPerSecond { get; set; }
        [CsvColumn("step_s")] public double StepSeconds { get; set; }
        [CsvColumn("data_wait_s")] public double DataSeconds { get; set; }
        [CsvColumn("forward_s")] public double ForwardSeconds { get; set; }
        [CsvColumn("backward_s")] public double BackwardSeconds { get; set; }
        [CsvColumn("optimizer_s")] public double OptimizerSeconds { get; set; }
        [CsvColumn("grad_norm")] public double GradientNorm { get; set; }
        [CsvColumn("learning_rate")] public double LearningRate { get; set; }
        [CsvColumn("peak_memory_bytes")] public long PeakMemoryBytes { get; set; }
        [CsvColumn("mfu")] public double? Mfu { get; set; }
        [CsvColumn("skipped")] public bool Skipped { get; set; }
        [CsvColumn("loss_scale")] public double LossScale { get; set; }
        [CsvColumn("spike")] public bool Spike { get; set; }
    }

    /// <summary>steps.csv: one row per optimizer step.</summary>
    public static void WriteSteps(CsvWriter writer, IReadOnlyList<StepMetrics> steps) => writer.WriteRecords(steps.Select(s => new Row
    {
        Step = s.Step, Loss = s.Loss, TokensPerSecond = s.TokensPerSecond, StepSeconds = s.StepSeconds, DataSeconds = s.DataSeconds,
        ForwardSeconds = s.ForwardSeconds, BackwardSeconds = s.BackwardSeconds, OptimizerSeconds = s.OptimizerSeconds,
        GradientNorm = s.GradientNorm, LearningRate = s.LearningRate, PeakMemoryBytes = s.PeakMemoryBytes, Mfu = s.Mfu,
        Skipped = s.Skipped, LossScale = s.LossScale, Spike = s.Spike,
    }));
}
