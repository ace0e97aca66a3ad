using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports;

/// <summary>
/// "Why this layout": the winner's step split into its terms, what limits it (its largest overhead), its memory headroom and
/// accuracy band; then the best layout with each other tp, pp and cp value, what it gains or loses term by term and what limits
/// it, or what excluded it (memory, deadline, budget); then the simplest layout that fits.
/// </summary>
public static class ExplanationText
{
    /// <summary>Terms below this share of the step are left out of the split.</summary>
    private const double Negligible = 0.0005;

    /// <summary>The explanation, each line wrapped at spaces to <see cref="RankingTable.Width"/> characters.</summary>
    public static IEnumerable<string> Lines(PlanResult plan) => Raw(plan).SelectMany(line => TextLines.Wrap(line, RankingTable.Width));

    private static IEnumerable<string> Raw(PlanResult plan)
    {
        if (plan.Explanation is not { } e) yield break;
        var w = e.Winner.Result;
        yield return $"why #1 wins: {LayoutText.Short(w.Layout)} on {RankingTable.OptionName(e.Winner)}";
        yield return $"  step {Units.Seconds(w.StepTimeSeconds)} = {Split(w.Time, w.StepTimeSeconds)}";
        var limit = StepTerms.LargestOverhead(w.Time);
        yield return $"  limiting term: {limit.Name} ({limit.Seconds / w.StepTimeSeconds:P1} of the step, the largest besides compute); memory {Units.Bytes(w.MemoryPerGpuBytes)} of {Units.Bytes(w.MemoryCapacityBytes)} "
                     + $"({Units.Bytes(w.MemoryCapacityBytes - w.MemoryPerGpuBytes)} headroom)";
        yield return $"  time to train {BandText.Seconds(w.TimeToTrainSeconds, e.Winner.Band)}, cost {BandText.Dollars(w.CostDollars, e.Winner.Band)}; {BandText.Source(e.Winner.Band)}";
        if (e.Alternatives.Count > 0) yield return "  against the best layout with another tp, pp or cp on the same cluster option:";
        foreach (var a in e.Alternatives)
        {
            yield return $"    {a.Name,-6} {Verdict(a, e.Winner, plan.Objective)}";
            var shown = (a.Best ?? a.BestOutsideConstraints)?.Result.Layout ?? a.LeastMemory;
            if (shown is { } layout) yield return $"           {LayoutText.Short(layout)}";
        }
        if (e.Simplest is { } simple)
        {
            yield return $"  the simplest layout that fits: {Against(simple, e.Winner, plan.Objective)}";
            yield return $"           {LayoutText.Short(simple.Result.Layout)}";
        }
        var c = plan.Counts;
        yield return $"  excluded: {c.OverMemory:N0} layouts over memory, {c.OutsideConstraints:N0} outside the deadline or budget";
    }

    /// <summary>The step's non-negligible terms with their seconds and shares.</summary>
    public static string Split(in TimeParts time, double step) =>
        string.Join(" + ", StepTerms.Of(time).Where(t => t.Seconds > Negligible * step).Select(t => $"{t.Name} {Units.Seconds(t.Seconds)} ({t.Seconds / step:P1})"));

    private static string Verdict(Alternative a, RankedLayout winner, string objective)
    {
        if (a.Best is { } best) return Against(best, winner, objective);
        if (a.BestOutsideConstraints is { } outside)
            return $"misses the deadline or budget: the fastest that fits takes {Units.Seconds(outside.Result.TimeToTrainSeconds)} for {Units.Dollars(outside.Result.CostDollars)}";
        if (a.LeastMemory is not null)
        {
            var m = a.LeastMemoryParts;
            var largest = new (string Name, double Bytes)[] { ("weights", m.Weights), ("gradients", m.Gradients), ("optimizer states", m.OptimizerStates), ("activations", m.Activations), ("other", m.Other) }.MaxBy(p => p.Bytes);
            return $"nothing fits: the closest needs {Units.Bytes(m.Total)} of {Units.Bytes(winner.Result.MemoryCapacityBytes)} ({largest.Name} {Units.Bytes(largest.Bytes)})";
        }
        return "never generated under the scenario's search limits";
    }

    /// <summary>"+2.9 % cost, step 7.592 s; tensor-parallel comm +543.34 ms, …; limiting term tensor-parallel comm (11.5 %)".</summary>
    private static string Against(RankedLayout other, RankedLayout winner, string objective)
    {
        var r = other.Result;
        double change = (other.Score - winner.Score) / Math.Abs(winner.Score);
        string what = objective.Split(',')[0];
        string delta = what == "mfu" ? $"{-change:+0.0 %;−0.0 %} MFU" : $"{change:+0.0 %;−0.0 %} {what}";
        var moved = StepTerms.Changes(winner.Result.Time, r.Time).Where(d => Math.Abs(d.Seconds) > Negligible * winner.Result.StepTimeSeconds).Take(3);
        var limit = StepTerms.LargestOverhead(r.Time);
        var changes = moved.Select(d => $"{d.Name} {Signed(d.Seconds)}").ToList();
        return $"{delta}, step {Units.Seconds(r.StepTimeSeconds)}; " + (changes.Count > 0 ? string.Join(", ", changes) : "the same step terms")
               + $"; limiting term {limit.Name} ({limit.Seconds / r.StepTimeSeconds:P1})";
    }

    private static string Signed(double seconds) => (seconds >= 0 ? "+" : "−") + Units.Seconds(Math.Abs(seconds));
}
