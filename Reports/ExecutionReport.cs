using CsvHelper;
using ScalePlanner.Calibration.Validation;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Simulator.Simulation;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>`execute`: the measured steps next to the cost model's prediction for the same layout, and steps.csv's rows.</summary>
public static partial class ExecutionReport
{
    public static double MeasuredStepSeconds(IReadOnlyList<StepMetrics> steps) => Warmup.Median(steps, s => s.StepSeconds);

    public static void Write(string scenario, SimulationResult predicted, IReadOnlyList<StepMetrics> steps, double entropyRate, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        double measured = MeasuredStepSeconds(steps);
        var table = new Table().Title($"{Markup.Escape(scenario)}: {Markup.Escape(predicted.Layout.ToString())}").AddColumns("figure", "predicted", "measured", "error");
        table.AddRow("step time (median after warm-up)", Units.Seconds(predicted.StepTimeSeconds), Units.Seconds(measured), $"{(predicted.StepTimeSeconds - measured) / measured * 100:+0.0;-0.0} %");
        table.AddRow("tokens / s", $"{predicted.TokensPerSecond:N0}", $"{Warmup.Measured(steps).Average(s => s.TokensPerSecond):N0}", "");
        table.AddRow("loss (first → last step)", double.IsNaN(entropyRate) ? "no known floor (corpus)" : $"source entropy {entropyRate:F3}", $"{steps[0].Loss:F3} → {steps[^1].Loss:F3}", "");
        console.Write(table);
    }

    /// <summary>
    /// The process's peak resident memory over the measured steps next to the cost model's memory per device: on the CPU the
    /// resident set is the device's memory, and the profile's reserved memory stands for what the runtime and LibTorch hold
    /// before the model exists (printed beside it). MFU measured and predicted, both against the profile's peak FLOP/s (the
    /// Simulator's own MFU divides by the catalog peak).
    /// </summary>
    public static void WriteMemoryAndMfu(ExecutionComparison comparison, SimulationResult predicted, long baseline, double peakFlops, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        const double MiB = 1 << 20;
        var memory = comparison.PeakMemoryBytes;
        console.WriteLine($"peak memory: measured {memory.Measured / MiB:N1} MiB resident ({baseline / MiB:N1} MiB before the model was built), predicted {memory.Predicted / MiB:N1} MiB ({predicted.Memory.Other / MiB:N1} MiB of it reserve, buffers and logits), error {memory.ErrorPercent:+0.0;-0.0} %");
        console.WriteLine($"MFU against the profile's peak {peakFlops / 1e9:N1} GFLOP/s: measured {comparison.Mfu.Measured * 100:F1} %, predicted {comparison.Mfu.Predicted * 100:F1} %");
    }

    /// <summary>One line: the profile's reference stack then and now, and how much of the step-time error that drift may explain.</summary>
    public static string Describe(MachineSpeed speed)
    {
        double change = (speed.Slowdown - 1) * 100;
        string direction = change >= 0 ? $"{change:F0} % slower" : $"{-change:F0} % faster";
        return $"machine speed: the profile's reference ({speed.Reference}, {speed.Threads} thread{(speed.Threads == 1 ? "" : "s")}) took "
             + $"{speed.CalibratedSeconds * 1e3:F1} ms when calibrated and {speed.NowSeconds * 1e3:F1} ms now: this machine runs {direction} "
             + "than when calibrated, and the step-time error above includes that drift";
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
