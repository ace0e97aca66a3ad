using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Timeline;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>One layout's prediction for the terminal: headline figures, the step-time breakdown and the memory breakdown, and the timeline's figures when it ran.</summary>
public static class SimulationTable
{
    public static void Write(string scenario, TrainingJob job, SimulationResult r, IAnsiConsole? console = null, AccuracyBand? band = null, IReadOnlyList<string>? recipeChanges = null)
    {
        console ??= AnsiConsole.Console;
        var (model, cluster, training) = job;
        console.MarkupLine($"[bold]{Markup.Escape(scenario)}[/]: {Markup.Escape(model.Name)} ({Units.Count(model.ParameterCount)} parameters) on {cluster.Devices} × {Markup.Escape(cluster.Accelerator.DisplayName)}");
        console.MarkupLine($"layout {Markup.Escape(r.Layout.ToString())}, {r.MicroBatches} micro-batches per step");

        var headline = new Table().AddColumns("figure", "value");
        headline.AddRow("fits in memory", r.Fits ? "[green]yes[/]" : "[red]no[/]");
        headline.AddRow("step time", BandText.Seconds(r.StepTimeSeconds, band));
        headline.AddRow("tokens / s", $"{r.TokensPerSecond:N0}");
        headline.AddRow("model TFLOP/s per device (MFU)", $"{r.ModelTflopsPerGpu:F1} ({r.Mfu:P1})");
        headline.AddRow("hardware TFLOP/s per device (HFU)", $"{r.HardwareTflopsPerGpu:F1} ({r.Hfu:P1})");
        headline.AddRow("memory per device", $"{Units.Bytes(r.MemoryPerGpuBytes)} of {Units.Bytes(r.MemoryCapacityBytes)}");
        headline.AddRow("time to train", $"{BandText.Seconds(r.TimeToTrainSeconds, band)}; {r.Steps:N0} steps, {training.Tokens:0.###e0} tokens");
        headline.AddRow("failures", $"goodput {r.Goodput:P1}: checkpoint every {Units.Seconds(r.CheckpointIntervalSeconds)} (write {Units.Seconds(r.CheckpointWriteSeconds)}), {r.ExpectedInterruptions:N0} expected interruptions");
        headline.AddRow("device-hours", $"{r.DeviceHours:N0}");
        headline.AddRow("cost", r.CostDollars is not null ? BandText.Dollars(r.CostDollars, band) : "no price given");
        if (band is not null) headline.AddRow("accuracy band", Markup.Escape(BandText.Source(band)));
        if (recipeChanges is { Count: > 0 }) headline.AddRow("training recipe", Markup.Escape($"{TrainingRecipe.Warning} ({string.Join(", ", recipeChanges)})"));
        console.Write(headline);

        var t = r.Time;
        var time = new Table().Title("step time").AddColumns("part", "seconds", "share");
        foreach (var (name, value) in new[]
        {
            ("compute", t.Compute), ("recompute", t.Recompute), ("pipeline bubble", t.PipelineBubble), ("tensor-parallel comm", t.TensorParallelComm),
            ("context-parallel comm", t.ContextParallelComm), ("data-parallel comm (exposed)", t.DataParallelCommExposed), ("pipeline comm", t.PipelineComm),
            ("optimizer step", t.OptimizerStep), ("data wait", t.DataWait), ("expert-parallel comm (dispatch, combine)", t.ExpertParallelComm),
        })
            time.AddRow(name, $"{value:F4}", $"{value / t.Total:P1}");
        console.Write(time);

        var mem = r.Memory;
        var memory = new Table().Title("memory per device").AddColumns("part", "size");
        foreach (var (name, value) in new[] { ("weights", mem.Weights), ("gradients", mem.Gradients), ("optimizer states", mem.OptimizerStates), ("activations", mem.Activations), ("other", mem.Other) })
            memory.AddRow(name, Units.Bytes(value));
        console.Write(memory);
    }

    /// <summary>The timeline's headline after the usual breakdown: against the closed form, the bubble, the critical group, busy and idle spread.</summary>
    public static void WriteTimeline(TimelineSimulation simulation, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var t = simulation.Timeline;
        var critical = t.Groups[t.CriticalGroup];
        var table = new Table().Title("event-driven timeline").AddColumns("figure", "value");
        table.AddRow("step time (timeline / closed form)", $"{Units.Seconds(t.StepTimeSeconds)} / {Units.Seconds(simulation.ClosedForm.StepTimeSeconds)}");
        table.AddRow("bubble (fraction of the ideal time)", $"{t.BubbleFraction:P2}");
        table.AddRow("exposed communication (critical group)", Units.Seconds(t.ExposedCommSeconds));
        table.AddRow("critical group", Markup.Escape($"stage {critical.Stage}, replica {critical.Replica}, devices {critical.FirstDevice}–{critical.FirstDevice + critical.Devices - 1}"));
        table.AddRow("busy per device (min / max)", $"{Units.Seconds(t.Groups.Min(g => g.BusySeconds))} / {Units.Seconds(t.Groups.Max(g => g.BusySeconds))}");
        table.AddRow("idle per device (min / max)", $"{Units.Seconds(t.Groups.Min(g => g.IdleSeconds))} / {Units.Seconds(t.Groups.Max(g => g.IdleSeconds))}");
        table.AddRow("groups × passes, events processed", $"{t.Groups.Count} × {2 * t.MicroBatches * t.Chunks}, {t.EventsProcessed:N0}");
        console.Write(table);
    }
}
