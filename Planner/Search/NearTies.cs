using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// Groups the ranking into near-ties: a group starts at a layout and takes every following rank whose objective is within
/// <c>percent</c> % of the first's (the cost model's own error is several per cent, so such layouts are equally good as far
/// as it can tell). One group per row shown, as many rows as --top.
/// </summary>
public static class NearTies
{
    /// <summary>1 %: the closest the cost model matches any published run is about this (docs/validation.md).</summary>
    public const double DefaultPercent = 1;

    public static PlanResult Group(PlanResult plan, double percent)
    {
        // After --refine the pool's order is the closed form's: group the re-ranked rows only.
        var ranking = plan.Refined > 0 || plan.Pool.Count < plan.Top.Count ? plan.Top : plan.Pool;
        var groups = new List<TieGroup>();
        for (int i = 0; i < ranking.Count && groups.Count < plan.Top.Count;)
        {
            var first = ranking[i];
            double reach = Math.Abs(first.Score) * percent / 100;
            int last = i;
            while (last + 1 < ranking.Count && ranking[last + 1].Score - first.Score <= reach) last++;
            groups.Add(new TieGroup(first, first.Rank, ranking[last].Rank, percent, last == ranking.Count - 1 && ranking.Count < plan.Counts.Fit));
            i = last + 1;
        }
        return plan with { Groups = groups };
    }
}
