using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>
/// A search's answer for the terminal: what was searched and at what prices, the ranked layouts (near-ties grouped, recipe
/// changes marked), why the best one wins, each cluster option's best with a verdict, and what would fit when nothing does.
/// </summary>
public static class PlanTable
{
    public static void Write(PlanResult plan, IAnsiConsole? console = null, bool wide = false)
    {
        console ??= AnsiConsole.Console;
        void Say(string line)
        {
            foreach (var piece in TextLines.Wrap(line, RankingTable.Width)) console.WriteLine(piece);
        }
        var c = plan.Counts;
        console.MarkupLine($"[bold]{Markup.Escape(plan.Scenario)}[/], objective {Markup.Escape(plan.Objective)}; recipe {Markup.Escape(plan.Recipe.ToString())}");
        console.WriteLine($"searched {c.Considered:N0} valid layouts ({c.Shapes:N0} micro-batch shapes) in {plan.WallSeconds:F3} s, {plan.CandidatesPerSecond / 1e6:F1} M layouts/s");
        Say($"fit and timed: {c.Fit:N0}; over memory: {c.OverMemory:N0}; outside deadline/budget: {c.OutsideConstraints:N0}; " +
            $"ruled out by a lower bound on their step time, never timed one by one: {c.RuledOutByBound:N0}; " +
                          $"never generated: {c.DivisibilityExcluded:N0} tp/pp/cp values or splits that do not divide, {c.BatchExcluded:N0} splits whose dp does not divide the batch (search restrictions not counted)");
        foreach (var line in PriceText.Lines(plan.Options.Select(o => o.Cluster))) Say(line);
        if (plan.Top.Count > 0)
        {
            string title = Title(plan);
            console.Write(wide || plan.Groups.Count == 0 ? RankingTable.Wide(plan, plan.Top, title) : RankingTable.Compact(plan, title));
            foreach (var note in RankingTable.Footnotes(plan, wide || plan.Groups.Count == 0)) Say(note);
            if (plan.Refined > 0)
                console.WriteLine($"ranks 1–{plan.Refined} re-ranked with the event-driven timeline (step and time to train from the timeline; closed form below)");
            console.WriteLine();
            foreach (var line in ExplanationText.Lines(plan)) console.WriteLine(line);
            if (plan.Options.Count > 1)
            {
                console.WriteLine();
                console.Write(ClusterComparison.Table(plan));
                foreach (var note in ClusterComparison.Footnotes(plan)) Say(note);
                Say(ClusterComparison.Verdict(plan));
            }
        }
        foreach (var line in plan.WhatWouldFit) console.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
    }

    private static string Title(PlanResult plan)
    {
        var options = plan.Top.Select(RankingTable.OptionName).Distinct().ToList();
        return "best layouts" + (options.Count == 1 ? $" on {options[0]}" : "");
    }

    /// <summary>The layout string without the keys at their defaults (<see cref="LayoutText.Short"/>); CSV and JSON carry the full string.</summary>
    public static string ShortLayout(SimulationResult r) => LayoutText.Short(r.Layout);
}
