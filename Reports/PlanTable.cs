using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>A search's answer for the terminal: what was searched, the ranked layouts, the Pareto front, and what would fit.</summary>
public static class PlanTable
{
    public static void Write(PlanResult plan, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var c = plan.Counts;
        console.MarkupLine($"[bold]{Markup.Escape(plan.Scenario)}[/], objective {Markup.Escape(plan.Objective)}");
        console.WriteLine($"searched {c.Considered:N0} valid layouts ({c.Shapes:N0} micro-batch shapes) in {plan.WallSeconds:F3} s, {plan.CandidatesPerSecond / 1e6:F1} M layouts/s");
        console.WriteLine($"fit and timed: {c.Fit:N0}; over memory: {c.OverMemory:N0}; outside deadline/budget: {c.OutsideConstraints:N0}; " +
                          $"ruled out by a lower bound on their step time, never timed one by one: {c.RuledOutByBound:N0}; " +
                          $"never generated: {c.DivisibilityExcluded:N0} tp/pp/cp values or splits that do not divide, {c.BatchExcluded:N0} splits whose dp does not divide the batch (search restrictions not counted)");
        if (plan.Top.Count > 0)
        {
            console.Write(Ranked("best layouts", plan.Top));
            if (plan.Refined > 0)
                console.WriteLine($"ranks 1–{plan.Refined} re-ranked with the event-driven timeline (step and time to train from the timeline; closed form below)");
            console.Write(Ranked("Pareto front: time to train vs dollars (fastest layout per cluster option)", plan.Pareto));
        }
        foreach (var line in plan.WhatWouldFit) console.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
    }

    private static Table Ranked(string title, IReadOnlyList<RankedLayout> rows)
    {
        var table = new Table().Title(title).AddColumns("#", "devices", "layout (defaults omitted)", "step", "MFU", "memory", "checkpoint", "goodput", "time to train", "cost");
        foreach (var (rank, cluster, r) in rows)
        {
            table.AddRow(
                rank.ToString(), $"{cluster.Devices} {cluster.Accelerator.Key}{(r.Framework == Framework.Megatron ? "" : $" {r.Framework.Key()}")}", Markup.Escape(ShortLayout(r)), Units.Seconds(r.StepTimeSeconds),
                $"{r.Mfu:P1}", Units.Bytes(r.MemoryPerGpuBytes), Units.Seconds(r.CheckpointIntervalSeconds), $"{r.Goodput:P1}",
                Units.Seconds(r.TimeToTrainSeconds), r.CostDollars is { } d ? $"${d:N0}" : "—");
        }
        return table;
    }

    /// <summary>The layout string without the keys at their defaults, so the table stays readable; CSV and JSON carry the full string.</summary>
    public static string ShortLayout(SimulationResult r)
    {
        var defaults = Simulator.Layouts.Layout.Parse("dp=1").ToString().Split(',').Skip(1).ToHashSet();
        return string.Join(',', r.Layout.ToString().Split(',').Where((part, i) => i == 0 || !defaults.Contains(part)));
    }
}
